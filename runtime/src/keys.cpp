// runtime/src/keys.cpp - private key files (hex Ed25519 seeds, mode 0600) and where a run keeps
// them.
#include "trainchain/runtime/keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace trainchain::runtime {
namespace {

/// Key files are small: even max_nodes keys take well under a MiB.
constexpr size_t max_key_file_bytes = size_t{16} << 20;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw KeyFileError(path.string() + ": error: " + what);
}

std::string mode_text(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

void fsync_dir(const std::filesystem::path& file) {
    const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    if (const int fd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

/// The bytes of a key file, refused when it is not a regular file of this size or is open to
/// other users.
std::string read_private_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT) fail(path, "no key file here");
        if (errno == ELOOP) fail(path, "is a symbolic link; give the key file itself");
        fail(path, std::string("cannot read key file: ") + std::strerror(errno));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(path, std::string("cannot read key file: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path, "is not a key file (not a regular file)");
    if ((st.st_mode & 077) != 0)
        fail(path, "the key file may be read or changed by other users (mode " + mode_text(st.st_mode) +
                       "); make it private: chmod 600 " + path.string());
    if (static_cast<size_t>(st.st_size) > max_key_file_bytes) fail(path, "is too large for a key file");
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, std::string("cannot read key file: ") + std::strerror(errno));
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > max_key_file_bytes) fail(path, "is too large for a key file");
    }
    return text;
}

std::vector<KeyPair> parse_keys(const std::filesystem::path& path, const std::string& text) {
    std::vector<KeyPair> keys;
    size_t line_no = 0, pos = 0;
    while (pos < text.size()) {
        const auto end = std::min(text.find('\n', pos), text.size());
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const auto last = line.find_last_not_of(" \t\r");
        const auto seed = parse_hash(std::string_view(line).substr(first, last - first + 1));
        if (!seed)
            fail(path.string() + ":" + std::to_string(line_no) + ":" + std::to_string(first + 1),
                 "a key file holds 64 hex digits (the private key's seed) per line");
        auto key = KeyPair::from_seed(*seed);
        if (!key) fail(path, "line " + std::to_string(line_no) + " is not a usable Ed25519 seed");
        keys.push_back(*key);
    }
    if (keys.empty()) fail(path.string() + ":1:1", "a key file holds 64 hex digits (the private key's seed)");
    return keys;
}

std::string key_lines(const std::vector<KeyPair>& keys, const std::string& comment) {
    std::string text;
    size_t pos = 0;
    while (pos < comment.size()) {
        const auto end = std::min(comment.find('\n', pos), comment.size());
        text += "# " + comment.substr(pos, end - pos) + "\n";
        pos = end + 1;
    }
    for (const auto& k : keys) text += hex(k.seed()) + "\n";
    return text;
}

/// Writes `text` to a new file at `path` (mode 0600): a temporary file beside it, fsynced, then
/// linked to `path` (which fails when a file is there: nothing is ever replaced).
void write_new_private_file(const std::filesystem::path& path, const std::string& text) {
    std::string tmp = path.string() + ".XXXXXX";
    const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // mode 0600
    if (fd < 0) fail(path, std::string("cannot create key file: ") + std::strerror(errno));
    bool ok = true;
    size_t done = 0;
    while (ok && done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<size_t>(n);
    }
    const int err = ok ? 0 : errno;
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        fail(path, std::string("cannot write key file: ") + std::strerror(err ? err : EIO));
    }
    const int linked = ::link(tmp.c_str(), path.c_str());
    const int link_err = errno;
    ::unlink(tmp.c_str());
    if (linked != 0) {
        if (link_err == EEXIST) fail(path, "a file is already there; a key file is never replaced");
        fail(path, std::string("cannot create key file: ") + std::strerror(link_err));
    }
    fsync_dir(path);
}

}  // namespace

void write_key_file(const std::filesystem::path& path, const KeyPair& key) {
    write_new_private_file(path, key_lines({key}, ""));
}

KeyPair generate_key_file(const std::filesystem::path& path) {
    const KeyPair key = KeyPair::generate();
    write_key_file(path, key);
    return key;
}

std::vector<KeyPair> read_key_list_file(const std::filesystem::path& path) {
    return parse_keys(path, read_private_file(path));
}

KeyPair read_key_file(const std::filesystem::path& path) {
    auto keys = read_key_list_file(path);
    if (keys.size() != 1)
        fail(path, "holds " + std::to_string(keys.size()) + " keys; this key file must hold one");
    return keys.front();
}

KeyPair read_or_generate_key_file(const std::filesystem::path& path, bool* created) {
    if (created) *created = false;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return read_key_file(path);
    if (path.has_parent_path()) create_private_directories(path.parent_path());
    try {
        const KeyPair key = generate_key_file(path);
        if (created) *created = true;
        return key;
    } catch (const KeyFileError&) {
        if (::lstat(path.c_str(), &st) == 0) return read_key_file(path);  // another process made it first
        throw;
    }
}

void write_key_list_file(const std::filesystem::path& path, const std::vector<KeyPair>& keys,
                         const std::string& comment) {
    const std::string text = key_lines(keys, comment);
    try {
        write_file_atomically(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    } catch (const StoreError& e) {
        throw KeyFileError(e.what());
    }
}

void create_private_directories(const std::filesystem::path& dir) {
    if (dir.empty()) return;
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return;
    if (dir.has_parent_path() && dir.parent_path() != dir) create_private_directories(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw StoreError(dir.string() + ": error: cannot create directory: " + std::strerror(errno));
    if (!std::filesystem::is_directory(dir, ec))
        throw StoreError(dir.string() + ": error: cannot create directory: a file is in the way");
}

std::filesystem::path default_key_dir(const std::filesystem::path& run_dir) {
    std::filesystem::path dir = run_dir.lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "runs/a/" -> "runs/a"
    if (dir.empty() || dir.filename() == "." || dir.filename() == "..") {
        dir = std::filesystem::absolute(dir).lexically_normal();
        if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();
    }
    return dir.parent_path() / (dir.filename().string() + ".keys");
}

KeyPaths key_paths_in(const std::filesystem::path& key_dir) {
    return {key_dir / "server.key", key_dir / "nodes.key"};
}

KeyPaths default_key_paths(const std::filesystem::path& run_dir) {
    return key_paths_in(default_key_dir(run_dir));
}

}  // namespace trainchain::runtime
