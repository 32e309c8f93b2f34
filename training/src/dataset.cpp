// training/src/dataset.cpp - the dataset loaders (IDX, CSV, Fashion-MNIST, sklearn's digits),
// gzip decompression with zlib, and the seeded train/test split.
#include "trainchain/training/dataset.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string_view>

namespace trainchain::training {
namespace {

namespace fs = std::filesystem;

/// The largest label a CSV file may use: it becomes the number of output classes of the network,
/// so a stray huge value must be an error, not a network with millions of outputs.
constexpr int64_t max_csv_label = 100'000;

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
    return s;
}

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
    throw DataError(path.string() + ": error: " + what);
}

[[noreturn]] void fail_at(const fs::path& path, size_t line, const std::string& what) {
    throw DataError(path.string() + ":" + std::to_string(line) + ": error: " + what);
}

[[noreturn]] void fail_at(const fs::path& path, size_t line, size_t column, const std::string& what) {
    throw DataError(path.string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                    ": error: " + what);
}

/// Inflates one or more concatenated gzip members (as `gzip` and zlib's gzread accept them).
std::vector<uint8_t> gunzip(const fs::path& path, const std::vector<uint8_t>& in) {
    std::vector<uint8_t> out;
    // The last four bytes hold the uncompressed size modulo 2^32 (of the last member): a good
    // first guess for the buffer, capped so that a corrupt trailer cannot ask for too much.
    if (in.size() >= 4) {
        const size_t n = size_t{in[in.size() - 4]} | size_t{in[in.size() - 3]} << 8 |
                         size_t{in[in.size() - 2]} << 16 | size_t{in[in.size() - 1]} << 24;
        out.reserve(std::min<size_t>(n, size_t{1} << 30));
    }
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) fail(path, "cannot initialise zlib");
    struct End {
        z_stream* zs;
        ~End() { inflateEnd(zs); }
    } end{&zs};

    size_t offset = 0;  // compressed bytes consumed
    uint8_t chunk[1 << 16];
    while (true) {
        const size_t avail = std::min<size_t>(in.size() - offset, std::numeric_limits<uInt>::max());
        zs.next_in = const_cast<Bytef*>(in.data() + offset);
        zs.avail_in = static_cast<uInt>(avail);
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        offset += avail - zs.avail_in;
        out.insert(out.end(), chunk, chunk + (sizeof chunk - zs.avail_out));
        if (rc == Z_STREAM_END) {
            // Another member may follow; anything else after the end is an error.
            if (offset == in.size()) break;
            if (in.size() - offset < 2 || in[offset] != 0x1f || in[offset + 1] != 0x8b)
                fail(path, "trailing garbage after the gzip data at compressed byte offset " +
                               std::to_string(offset));
            inflateReset(&zs);
            continue;
        }
        if (rc == Z_OK) continue;
        // No progress possible with all the input consumed: the stream ends early.
        if (rc == Z_BUF_ERROR && offset == in.size())
            fail(path, "truncated gzip data: the stream ends early after " + std::to_string(offset) +
                           " compressed bytes");
        fail(path, "corrupt gzip data near compressed byte offset " + std::to_string(offset) + ": " +
                       (zs.msg ? zs.msg : "inflate error " + std::to_string(rc)));
    }
    return out;
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | uint32_t{b[at + 3]};
}

/// Names what an IDX magic number is, to make a bad-magic message useful (e.g. swapped files).
std::string describe_magic(uint32_t magic) {
    if (magic == 0x00000803) return " (an IDX image file)";
    if (magic == 0x00000801) return " (an IDX label file)";
    if ((magic >> 16) == 0x1f8b) return " (gzip data that did not decompress)";
    return "";
}

/// The pixels of an IDX image file as floats in [0, 1]; sets rows and sample_shape.
void read_idx_images(const fs::path& path, Dataset& d) {
    const std::vector<uint8_t> b = read_maybe_gzipped(path);
    // The magic first: a label file given as images is then named as such, however short it is.
    if (b.size() >= 4 && be32(b, 0) != 0x00000803)
        fail(path, "bad magic " + hex32(be32(b, 0)) + describe_magic(be32(b, 0)) +
                       " at byte 0: expected 0x00000803 (IDX images: unsigned bytes, 3 dimensions)");
    if (b.size() < 16)
        fail(path,
             "file is " + std::to_string(b.size()) + " bytes, too short for the 16-byte IDX image header");
    const uint32_t n = be32(b, 4), rows = be32(b, 8), cols = be32(b, 12);
    if (n == 0) fail(path, "the image count (header bytes 4..7) is 0");
    if (rows == 0) fail(path, "the image row count (header bytes 8..11) is 0");
    if (cols == 0) fail(path, "the image column count (header bytes 12..15) is 0");
    // Each factor is below 2^32, so rows * cols fits in 64 bits; the product with n may not.
    const uint64_t per_image = uint64_t{rows} * cols;
    if (per_image > (std::numeric_limits<uint64_t>::max() - 16) / n)
        fail(path, "the header dimensions " + std::to_string(n) + " x " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " are too large");
    const uint64_t pixels = per_image * n;
    if (b.size() - 16 != pixels)
        fail(path, "the header (bytes 4..15) says " + std::to_string(n) + " images of " +
                       std::to_string(rows) + " x " + std::to_string(cols) + " = " + std::to_string(pixels) +
                       " pixel bytes after the 16-byte header, but the file has " +
                       std::to_string(b.size() - 16) +
                       (b.size() - 16 < pixels ? " (truncated)" : " (trailing bytes)"));
    d.rows = n;
    d.sample_shape = {1, int64_t{rows}, int64_t{cols}};
    d.features.resize(pixels);
    for (size_t i = 0; i < pixels; ++i) d.features[i] = static_cast<float>(b[16 + i]) / 255.0f;
}

/// The labels of an IDX label file; `images` is the number of images they must match.
void read_idx_labels(const fs::path& path, const fs::path& images_path, Dataset& d) {
    const std::vector<uint8_t> b = read_maybe_gzipped(path);
    if (b.size() >= 4 && be32(b, 0) != 0x00000801)
        fail(path, "bad magic " + hex32(be32(b, 0)) + describe_magic(be32(b, 0)) +
                       " at byte 0: expected 0x00000801 (IDX labels: unsigned bytes, 1 dimension)");
    if (b.size() < 8)
        fail(path,
             "file is " + std::to_string(b.size()) + " bytes, too short for the 8-byte IDX label header");
    const uint32_t n = be32(b, 4);
    if (b.size() - 8 != n)
        fail(path, "the header (bytes 4..7) says " + std::to_string(n) +
                       " labels after the 8-byte header, but the file has " + std::to_string(b.size() - 8) +
                       (b.size() - 8 < n ? " (truncated)" : " (trailing bytes)"));
    if (n != d.rows)
        fail(path, "the label count " + std::to_string(n) + " (header bytes 4..7) does not match the " +
                       std::to_string(d.rows) + " images of " + images_path.string());
    d.labels.assign(b.begin() + 8, b.end());
    d.classes = 1 + *std::max_element(d.labels.begin(), d.labels.end());
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/// One CSV cell: its text (trimmed) and the 1-based column of its first character on the line.
struct Cell {
    std::string_view text;
    size_t column;
};

std::vector<Cell> split_cells(std::string_view line) {
    std::vector<Cell> cells;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        const std::string_view raw =
            line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
        const std::string_view text = trim(raw);
        const size_t lead = text.empty() ? 0 : static_cast<size_t>(text.data() - raw.data());
        cells.push_back({text, start + lead + 1});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return cells;
}

/// A finite decimal number (an optional leading '+' allowed); nullopt when the text is anything else.
std::optional<float> parse_float(std::string_view s) {
    if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    float v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

size_t Dataset::sample_size() const noexcept {
    // A default Dataset has no shape yet and no features per sample.
    if (sample_shape.empty()) return 0;
    size_t n = 1;
    for (const int64_t d : sample_shape) n *= static_cast<size_t>(d);
    return n;
}

Dataset Dataset::slice(size_t begin, size_t count) const {
    begin = std::min(begin, rows);
    count = std::min(count, rows - begin);
    const size_t size = sample_size();
    Dataset out;
    out.sample_shape = sample_shape;
    out.classes = classes;
    out.rows = count;
    out.features.assign(features.begin() + static_cast<ptrdiff_t>(begin * size),
                        features.begin() + static_cast<ptrdiff_t>((begin + count) * size));
    out.labels.assign(labels.begin() + static_cast<ptrdiff_t>(begin),
                      labels.begin() + static_cast<ptrdiff_t>(begin + count));
    return out;
}

std::vector<uint8_t> read_maybe_gzipped(const std::filesystem::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) fail(path, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) fail(path, "read error");
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(path, bytes);
    return bytes;
}

Dataset load_idx(const std::filesystem::path& images, const std::filesystem::path& labels) {
    Dataset d;
    read_idx_images(images, d);
    read_idx_labels(labels, images, d);
    return d;
}

Dataset load_csv(const std::filesystem::path& path) {
    const std::vector<uint8_t> bytes = read_maybe_gzipped(path);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());

    Dataset d;
    size_t columns = 0;       // fields per row, fixed by the first row read (header or data)
    size_t columns_line = 0;  // the line that fixed it
    size_t blank_line = 0;    // the first blank line seen, an error unless only blank lines follow
    int64_t max_label = -1;
    size_t line_no = 0;
    for (size_t pos = 0; pos < text.size();) {
        const size_t nl = text.find('\n', pos);
        const std::string_view line = text.substr(pos, nl == text.npos ? text.npos : nl - pos);
        pos = nl == text.npos ? text.size() : nl + 1;
        ++line_no;
        if (trim(line).empty()) {
            if (!blank_line) blank_line = line_no;
            continue;
        }
        if (blank_line) fail_at(path, blank_line, "blank line between data rows");

        const std::vector<Cell> cells = split_cells(line);
        if (line_no == 1) {
            // A first line with any cell that is not a number is a header (pandas writes column
            // names such as "0,1,...,label"); it still fixes the number of columns.
            const bool header =
                std::any_of(cells.begin(), cells.end(), [](const Cell& c) { return !parse_float(c.text); });
            if (header) {
                columns = cells.size();
                columns_line = 1;
                if (columns < 2) fail_at(path, 1, "the header has 1 column; need features and a label");
                continue;
            }
        }
        if (columns == 0) {
            columns = cells.size();
            columns_line = line_no;
            if (columns < 2) fail_at(path, line_no, "1 field; need at least one feature and the label");
        }
        if (cells.size() != columns)
            fail_at(path, line_no,
                    std::to_string(cells.size()) + " fields, expected " + std::to_string(columns) +
                        " (as on line " + std::to_string(columns_line) + ")");
        for (size_t i = 0; i + 1 < cells.size(); ++i) {
            const std::optional<float> v = parse_float(cells[i].text);
            if (!v)
                fail_at(path, line_no, cells[i].column,
                        "field " + std::to_string(i + 1) + " " + in_quotes(cells[i].text) +
                            " is not a finite number");
            d.features.push_back(*v);
        }
        const Cell& last = cells.back();
        int64_t label = -1;
        const auto [end, ec] = std::from_chars(last.text.data(), last.text.data() + last.text.size(), label);
        if (last.text.empty() || ec != std::errc{} || end != last.text.data() + last.text.size() || label < 0)
            fail_at(path, line_no, last.column,
                    "label (field " + std::to_string(cells.size()) + ") " + in_quotes(last.text) +
                        " is not a non-negative integer");
        if (label > max_csv_label)
            fail_at(path, line_no, last.column,
                    "label " + std::to_string(label) + " is larger than " + std::to_string(max_csv_label));
        d.labels.push_back(label);
        max_label = std::max(max_label, label);
        ++d.rows;
    }
    if (d.rows == 0) fail(path, "no data rows");
    d.sample_shape = {static_cast<int64_t>(columns - 1)};
    d.classes = max_label + 1;
    return d;
}

DataSplit load_fashion_mnist(const std::filesystem::path& dir) {
    DataSplit s;
    s.train = load_idx(dir / "train-images-idx3-ubyte.gz", dir / "train-labels-idx1-ubyte.gz");
    s.test = load_idx(dir / "t10k-images-idx3-ubyte.gz", dir / "t10k-labels-idx1-ubyte.gz");
    if (s.train.sample_shape != s.test.sample_shape)
        fail(dir, "the training images are " + shape_text(s.train.sample_shape) +
                      " but the test images are " + shape_text(s.test.sample_shape));
    // Both sets share one label space, even if one of them misses the highest class.
    s.train.classes = s.test.classes = std::max(s.train.classes, s.test.classes);
    s.description = "fashion-mnist: " + std::to_string(s.train.rows) + " train / " +
                    std::to_string(s.test.rows) + " test, " + shape_text(s.train.sample_shape) + ", " +
                    std::to_string(s.train.classes) + " classes";
    return s;
}

DataSplit load_digits(double test_fraction, uint64_t seed, const std::filesystem::path& csv) {
    Dataset all = load_csv(csv);
    if (all.sample_size() != 64)
        fail(csv, "expected 64 features (8x8 pixels) per row, found " + std::to_string(all.sample_size()));
    for (size_t i = 0; i < all.features.size(); ++i) {
        const float v = all.features[i];
        if (v < 0 || v > 16)
            fail(csv, "data row " + std::to_string(1 + i / 64) + ", pixel " + std::to_string(1 + i % 64) +
                          " is " + number_text(v) + ", outside 0..16");
        all.features[i] = v / 16.0f;
    }
    // The digits are 8x8 grey images: give them an image shape so that a CNN can use them too.
    all.sample_shape = {1, 8, 8};
    DataSplit s = split(all, test_fraction, seed);
    s.description = "digits: " + std::to_string(s.train.rows) + " train / " + std::to_string(s.test.rows) +
                    " test, 1x8x8, " + std::to_string(all.classes) + " classes (split with seed " +
                    std::to_string(seed) + ")";
    return s;
}

DataSplit split(const Dataset& all, double test_fraction, uint64_t seed) {
    if (!(test_fraction > 0 && test_fraction < 1))
        throw std::invalid_argument("split: test_fraction must be in (0, 1), got " +
                                    number_text(test_fraction));
    const auto test_rows = static_cast<size_t>(std::llround(static_cast<double>(all.rows) * test_fraction));
    if (test_rows == 0 || test_rows >= all.rows)
        throw DataError("split: " + std::to_string(all.rows) + " rows with test_fraction " +
                        number_text(test_fraction) + " leave an empty " +
                        (test_rows == 0 ? "test" : "training") + " set");

    // Fisher-Yates from the last index down: for i = rows-1 .. 1, j = rng() % (i + 1), swap(i, j).
    // Written out (not std::shuffle or a distribution) so that the split is the same with every
    // standard library; the modulo bias is below 2^-40 for any realistic row count.
    std::vector<size_t> order(all.rows);
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(seed);
    for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);

    const size_t size = all.sample_size();
    const auto take = [&](size_t from, size_t count) {
        Dataset d;
        d.sample_shape = all.sample_shape;
        d.classes = all.classes;
        d.rows = count;
        d.features.reserve(count * size);
        d.labels.reserve(count);
        for (size_t k = from; k < from + count; ++k) {
            const auto row = all.features.begin() + static_cast<ptrdiff_t>(order[k] * size);
            d.features.insert(d.features.end(), row, row + static_cast<ptrdiff_t>(size));
            d.labels.push_back(all.labels[order[k]]);
        }
        return d;
    };
    DataSplit s;
    s.train = take(0, all.rows - test_rows);
    s.test = take(all.rows - test_rows, test_rows);
    s.description = std::to_string(s.train.rows) + " train / " + std::to_string(s.test.rows) + " test, " +
                    shape_text(all.sample_shape) + ", " + std::to_string(all.classes) +
                    " classes (split with seed " + std::to_string(seed) + ")";
    return s;
}

}  // namespace trainchain::training
