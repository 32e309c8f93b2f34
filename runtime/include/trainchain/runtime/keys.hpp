// runtime/include/trainchain/runtime/keys.hpp - private key files, kept apart from the chain they
// sign: the server's key, a node's key (`trainchain node keygen`) and the keys of a run's
// in-process nodes; and where a run keeps them unless told otherwise.
//
// A key file holds Ed25519 seeds as 64 hex digits, one per line ('#' comment lines and blank lines
// are skipped). It is written with mode 0600, and read only when no other user may read or change
// it (like ssh's private keys): a key file open to others is refused.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/store.hpp"

namespace trainchain::runtime {

/// A key file that cannot be made, read or used, or that is not the one a run needs:
/// "PATH: error: WHAT" (a StoreError: the CLI reports it as bad input, exit code 2).
struct KeyFileError : StoreError {
    using StoreError::StoreError;
};

/// Writes `key` to a new file at `path` (one line, mode 0600). Never replaces a file already there
/// (KeyFileError); the file appears whole or not at all. Its directory must exist.
void write_key_file(const std::filesystem::path& path, const KeyPair& key);

/// write_key_file with a new random key, which it returns.
KeyPair generate_key_file(const std::filesystem::path& path);

/// Reads a file holding exactly one key. KeyFileError when it is absent, unreadable, open to other
/// users, malformed, or holds another number of keys.
KeyPair read_key_file(const std::filesystem::path& path);

/// The key in `path` when a file is there; else a new one written there (generate_key_file, its
/// directory made private when absent: create_private_directories). `created` says which.
KeyPair read_or_generate_key_file(const std::filesystem::path& path, bool* created = nullptr);

/// Writes `keys` to `path`, one per line after `comment` (each of its lines made a '#' line),
/// replacing any file there, atomically and with mode 0600. Its directory must exist.
void write_key_list_file(const std::filesystem::path& path, const std::vector<KeyPair>& keys,
                         const std::string& comment);

/// Reads a file of one or more keys, in order. KeyFileError as read_key_file.
std::vector<KeyPair> read_key_list_file(const std::filesystem::path& path);

/// Creates `dir` and its missing parents with mode 0700 (directories already there are left as
/// they are). StoreError when it cannot.
void create_private_directories(const std::filesystem::path& dir);

/// Where a run's private keys live.
struct KeyPaths {
    std::filesystem::path server;  ///< the server's key (signs what it sends nodes over NATS)
    std::filesystem::path nodes;   ///< the in-process nodes' keys, node 0 first
};

/// The directory that holds a run's keys by default: `DIR.keys` beside the run directory DIR (for
/// `runs/a`, `runs/a.keys`). Apart from the data the keys sign, so that the run directory alone
/// gives no one the power to sign; and kept when the run directory is deleted (the server's key
/// is then reused by the next run there).
std::filesystem::path default_key_dir(const std::filesystem::path& run_dir);

/// `server.key` and `nodes.key` in `key_dir`.
KeyPaths key_paths_in(const std::filesystem::path& key_dir);

/// key_paths_in(default_key_dir(run_dir)).
KeyPaths default_key_paths(const std::filesystem::path& run_dir);

}  // namespace trainchain::runtime
