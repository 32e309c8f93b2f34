// tests/unit/training/training_dataset_test.cpp - the dataset loaders: IDX and CSV files written by the test
// (plain and gzipped), every error path with its position, slicing, the seeded split, and the real digits and
// Fashion-MNIST files when they are installed.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "shared_support.hpp"
#include "trainchain/training/dataset.hpp"

namespace fs = std::filesystem;
using namespace trainchain::training;
using Bytes = std::vector<uint8_t>;
using trainchain::test::TempDir;

namespace {

void write_file(const fs::path& p, const Bytes& b) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    REQUIRE(out.good());
}

void write_file(const fs::path& p, const std::string& s) { write_file(p, Bytes(s.begin(), s.end())); }

/// Writes `b` gzipped with zlib's gzwrite.
void write_gz(const fs::path& p, const Bytes& b) {
    gzFile f = gzopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    if (!b.empty())
        REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
    REQUIRE(gzclose(f) == Z_OK);
}

void write_gz(const fs::path& p, const std::string& s) { write_gz(p, Bytes(s.begin(), s.end())); }

Bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The first `n` decompressed bytes of a gzipped file, read with zlib independently of the loader.
Bytes gz_head(const fs::path& p, size_t n) {
    gzFile f = gzopen(p.c_str(), "rb");
    REQUIRE(f != nullptr);
    Bytes b(n);
    const int got = gzread(f, b.data(), static_cast<unsigned>(n));
    gzclose(f);
    REQUIRE(got == static_cast<int>(n));
    return b;
}

void put32(Bytes& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}

Bytes idx_images(uint32_t n, uint32_t rows, uint32_t cols, const Bytes& pixels, uint32_t magic = 0x00000803) {
    Bytes b;
    put32(b, magic);
    put32(b, n);
    put32(b, rows);
    put32(b, cols);
    b.insert(b.end(), pixels.begin(), pixels.end());
    return b;
}

Bytes idx_labels(const Bytes& labels, uint32_t magic = 0x00000801) {
    Bytes b;
    put32(b, magic);
    put32(b, static_cast<uint32_t>(labels.size()));
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

/// The message of the DataError that `f` throws ("" and a failed check when it throws none).
template <class F>
std::string data_error(F&& f) {
    try {
        f();
    } catch (const DataError& e) {
        return e.what();
    }
    FAIL_CHECK("no DataError thrown");
    return "";
}

const Bytes pixels12 = {0, 255, 51, 102, 1, 2, 3, 4, 200, 100, 50, 25};  // three 2x2 images
const Bytes labels3 = {2, 0, 7};

void check_small_idx(const Dataset& d) {
    CHECK(d.rows == 3);
    CHECK(d.sample_shape == std::vector<int64_t>{1, 2, 2});
    CHECK(d.sample_size() == 4);
    REQUIRE(d.features.size() == 12);
    for (size_t i = 0; i < 12; ++i) CHECK(d.features[i] == static_cast<float>(pixels12[i]) / 255.0f);
    CHECK(d.features[1] == 1.0f);
    CHECK(d.features[2] == doctest::Approx(0.2));
    CHECK(d.labels == std::vector<int64_t>{2, 0, 7});
    CHECK(d.classes == 8);
}

/// A dataset of `rows` rows whose only feature and label are the row number, to follow rows around.
Dataset numbered(size_t rows) {
    Dataset d;
    d.rows = rows;
    d.sample_shape = {2};
    d.classes = static_cast<int64_t>(rows);
    for (size_t i = 0; i < rows; ++i) {
        d.features.push_back(static_cast<float>(i));
        d.features.push_back(-static_cast<float>(i));
        d.labels.push_back(static_cast<int64_t>(i));
    }
    return d;
}

}  // namespace

TEST_CASE("read_maybe_gzipped returns plain files as they are and gunzips gzip files") {
    TempDir dir;
    const Bytes plain = {0x1f, 0x00, 0x8b, 1, 2, 3};  // 0x1f alone is not the gzip magic
    write_file(dir / "plain", plain);
    CHECK(read_maybe_gzipped(dir / "plain") == plain);

    Bytes big(300000);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7 + i / 1000);
    write_gz(dir / "big.gz", big);
    CHECK(read_maybe_gzipped(dir / "big.gz") == big);

    write_file(dir / "empty", Bytes{});
    CHECK(read_maybe_gzipped(dir / "empty").empty());

    // Two gzip members one after the other read as the concatenation, as with gzip -d.
    write_gz(dir / "a.gz", std::string("hello "));
    write_gz(dir / "b.gz", std::string("world"));
    Bytes two = read_file(dir / "a.gz");
    const Bytes b = read_file(dir / "b.gz");
    two.insert(two.end(), b.begin(), b.end());
    write_file(dir / "two.gz", two);
    CHECK(read_maybe_gzipped(dir / "two.gz") == Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
}

TEST_CASE("read_maybe_gzipped reports missing files and broken gzip data") {
    TempDir dir;
    const fs::path missing = dir / "missing.gz";
    CHECK(data_error([&] { (void)read_maybe_gzipped(missing); }) ==
          missing.string() + ": error: cannot open: No such file or directory");
    CHECK(data_error([&] { (void)read_maybe_gzipped(dir.path); }) ==
          dir.path.string() + ": error: is a directory, not a file");

    Bytes data(5000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
    write_gz(dir / "full.gz", data);
    Bytes gz = read_file(dir / "full.gz");

    Bytes truncated(gz.begin(), gz.begin() + static_cast<ptrdiff_t>(gz.size() / 2));
    write_file(dir / "truncated.gz", truncated);
    CHECK(data_error([&] { (void)read_maybe_gzipped(dir / "truncated.gz"); }) ==
          (dir / "truncated.gz").string() + ": error: truncated gzip data: the stream ends early after " +
              std::to_string(truncated.size()) + " compressed bytes");

    Bytes corrupt = gz;
    corrupt[gz.size() - 6] ^= 0xff;  // inside the CRC-32 trailer
    write_file(dir / "corrupt.gz", corrupt);
    const std::string msg = data_error([&] { (void)read_maybe_gzipped(dir / "corrupt.gz"); });
    CHECK(msg.rfind((dir / "corrupt.gz").string() + ": error: corrupt gzip data near compressed byte offset ",
                    0) == 0);
    CHECK(msg.find("incorrect data check") != std::string::npos);

    Bytes garbage = gz;
    garbage.push_back('x');
    write_file(dir / "garbage.gz", garbage);
    CHECK(data_error([&] { (void)read_maybe_gzipped(dir / "garbage.gz"); }) ==
          (dir / "garbage.gz").string() +
              ": error: trailing garbage after the gzip data at compressed byte offset " +
              std::to_string(gz.size()));
}

TEST_CASE("load_idx reads plain and gzipped IDX files exactly") {
    TempDir dir;
    write_file(dir / "images", idx_images(3, 2, 2, pixels12));
    write_file(dir / "labels", idx_labels(labels3));
    write_gz(dir / "images.gz", idx_images(3, 2, 2, pixels12));
    write_gz(dir / "labels.gz", idx_labels(labels3));

    SUBCASE("plain") { check_small_idx(load_idx(dir / "images", dir / "labels")); }
    SUBCASE("gzipped") { check_small_idx(load_idx(dir / "images.gz", dir / "labels.gz")); }
    SUBCASE("mixed") { check_small_idx(load_idx(dir / "images.gz", dir / "labels")); }
    SUBCASE("non-square images") {
        write_file(dir / "wide", idx_images(2, 1, 3, {10, 20, 30, 40, 50, 60}));
        write_file(dir / "two", idx_labels({0, 1}));
        const Dataset d = load_idx(dir / "wide", dir / "two");
        CHECK(d.sample_shape == std::vector<int64_t>{1, 1, 3});
        CHECK(d.features[5] == 60.0f / 255.0f);
        CHECK(d.classes == 2);
    }
}

TEST_CASE("load_idx names the file and the header field or byte that is wrong") {
    TempDir dir;
    const fs::path images = dir / "images", labels = dir / "labels";
    write_file(images, idx_images(3, 2, 2, pixels12));
    write_file(labels, idx_labels(labels3));
    const auto err = [&] { return data_error([&] { (void)load_idx(images, labels); }); };

    SUBCASE("images: bad magic (a label file)") {
        write_file(images, idx_labels(labels3));
        CHECK(err() ==
              images.string() +
                  ": error: bad magic 0x00000801 (an IDX label file) at byte 0: expected 0x00000803 (IDX "
                  "images: unsigned bytes, 3 dimensions)");
    }
    SUBCASE("images: bad magic (other)") {
        write_file(images, idx_images(3, 2, 2, pixels12, 0x00000903));
        CHECK(err() ==
              images.string() +
                  ": error: bad magic 0x00000903 at byte 0: expected 0x00000803 (IDX images: unsigned "
                  "bytes, 3 dimensions)");
    }
    SUBCASE("images: short header") {
        write_file(images, Bytes{0, 0, 8, 3, 0, 0, 0, 3, 0, 0});
        CHECK(err() ==
              images.string() + ": error: file is 10 bytes, too short for the 16-byte IDX image header");
    }
    SUBCASE("images: truncated pixels") {
        Bytes b = idx_images(3, 2, 2, pixels12);
        b.pop_back();
        write_file(images, b);
        CHECK(err() ==
              images.string() +
                  ": error: the header (bytes 4..15) says 3 images of 2 x 2 = 12 pixel bytes after the "
                  "16-byte header, but the file has 11 (truncated)");
    }
    SUBCASE("images: trailing bytes") {
        Bytes b = idx_images(3, 2, 2, pixels12);
        b.push_back(9);
        write_gz(images, b);
        CHECK(err() ==
              images.string() +
                  ": error: the header (bytes 4..15) says 3 images of 2 x 2 = 12 pixel bytes after the "
                  "16-byte header, but the file has 13 (trailing bytes)");
    }
    SUBCASE("images: zero dimensions") {
        write_file(images, idx_images(0, 2, 2, {}));
        CHECK(err() == images.string() + ": error: the image count (header bytes 4..7) is 0");
        write_file(images, idx_images(3, 0, 2, {}));
        CHECK(err() == images.string() + ": error: the image row count (header bytes 8..11) is 0");
        write_file(images, idx_images(3, 2, 0, {}));
        CHECK(err() == images.string() + ": error: the image column count (header bytes 12..15) is 0");
    }
    SUBCASE("images: dimensions too large for any file") {
        write_file(images, idx_images(0xffffffff, 0xffffffff, 0xffffffff, {}));
        CHECK(err() == images.string() +
                           ": error: the header dimensions 4294967295 x 4294967295 x 4294967295 are "
                           "too large");
    }
    SUBCASE("images: truncated gzip") {
        write_gz(images, idx_images(3, 2, 2, pixels12));
        const Bytes gz = read_file(images);
        REQUIRE(gz.size() > 10);
        write_file(images, Bytes(gz.begin(), gz.end() - 10));
        CHECK(err().rfind(images.string() + ": error: truncated gzip data", 0) == 0);
    }
    SUBCASE("labels: bad magic (an image file)") {
        write_file(labels, idx_images(3, 2, 2, pixels12));
        CHECK(err() ==
              labels.string() +
                  ": error: bad magic 0x00000803 (an IDX image file) at byte 0: expected 0x00000801 (IDX "
                  "labels: unsigned bytes, 1 dimension)");
    }
    SUBCASE("labels: short header") {
        write_file(labels, Bytes{0, 0, 8, 1, 0});
        CHECK(err() ==
              labels.string() + ": error: file is 5 bytes, too short for the 8-byte IDX label header");
    }
    SUBCASE("labels: truncated") {
        Bytes b = idx_labels(labels3);
        b.pop_back();
        write_file(labels, b);
        CHECK(err() ==
              labels.string() +
                  ": error: the header (bytes 4..7) says 3 labels after the 8-byte header, but the file "
                  "has 2 (truncated)");
    }
    SUBCASE("labels: count mismatch with the images") {
        write_file(labels, idx_labels({1, 2}));
        CHECK(err() == labels.string() +
                           ": error: the label count 2 (header bytes 4..7) does not match the 3 "
                           "images of " +
                           images.string());
    }
    SUBCASE("missing files") {
        fs::remove(labels);
        CHECK(err() == labels.string() + ": error: cannot open: No such file or directory");
        fs::remove(images);
        CHECK(err() == images.string() + ": error: cannot open: No such file or directory");
    }
}

TEST_CASE("load_csv reads numeric rows with the label last") {
    TempDir dir;
    SUBCASE("with a header, CRLF line ends, spaces and a blank trailing line") {
        write_file(dir / "a.csv", std::string("x1,x2,x3,label\r\n"
                                              "1.5, -2,3e2,4\r\n"
                                              "0,0.25,+7,0\r\n"
                                              "\r\n"));
        const Dataset d = load_csv(dir / "a.csv");
        CHECK(d.rows == 2);
        CHECK(d.sample_shape == std::vector<int64_t>{3});
        CHECK(d.sample_size() == 3);
        CHECK(d.features == std::vector<float>{1.5f, -2.0f, 300.0f, 0.0f, 0.25f, 7.0f});
        CHECK(d.labels == std::vector<int64_t>{4, 0});
        CHECK(d.classes == 5);
    }
    SUBCASE("without a header, gzipped, no final newline") {
        write_gz(dir / "b.csv.gz", std::string("0.5,1\n2,0\n-1,3"));
        const Dataset d = load_csv(dir / "b.csv.gz");
        CHECK(d.rows == 3);
        CHECK(d.sample_shape == std::vector<int64_t>{1});
        CHECK(d.features == std::vector<float>{0.5f, 2.0f, -1.0f});
        CHECK(d.labels == std::vector<int64_t>{1, 0, 3});
        CHECK(d.classes == 4);
    }
    SUBCASE("a pandas header with numeric column names") {
        write_file(dir / "c.csv", std::string("0,1,label\n5,6,1\n"));
        const Dataset d = load_csv(dir / "c.csv");
        CHECK(d.rows == 1);
        CHECK(d.features == std::vector<float>{5.0f, 6.0f});
    }
}

TEST_CASE("load_csv errors name the line and, for a bad cell, the column") {
    TempDir dir;
    const fs::path p = dir / "bad.csv";
    const std::string name = p.string();
    const auto err = [&](const std::string& text) {
        write_file(p, text);
        return data_error([&] { (void)load_csv(p); });
    };
    CHECK(err("a,b,label\n1,2,0\n1,2\n") == name + ":3: error: 2 fields, expected 3 (as on line 1)");
    CHECK(err("1,2,0\n1,2,3,0\n") == name + ":2: error: 4 fields, expected 3 (as on line 1)");
    CHECK(err("a,b,label\n1,2,0\n1,xy,0\n") == name + ":3:3: error: field 2 'xy' is not a finite number");
    CHECK(err("1,2,0\n1, ,0\n") == name + ":2:3: error: field 2 '' is not a finite number");
    CHECK(err("1,2,0\n1,inf,0\n") == name + ":2:3: error: field 2 'inf' is not a finite number");
    CHECK(err("1,2,0\n3,4,-1\n") == name + ":2:5: error: label (field 3) '-1' is not a non-negative integer");
    CHECK(err("1,2,1.5\n") == name + ":1:5: error: label (field 3) '1.5' is not a non-negative integer");
    CHECK(err("1,2,0\n1,2,\n") == name + ":2:5: error: label (field 3) '' is not a non-negative integer");
    CHECK(err("1,2,100001\n") == name + ":1:5: error: label 100001 is larger than 100000");
    CHECK(err("1,2,0\n\n3,4,1\n") == name + ":2: error: blank line between data rows");
    CHECK(err("") == name + ": error: no data rows");
    CHECK(err("a,b,label\n\n") == name + ": error: no data rows");
    CHECK(err("5\n6\n") == name + ":1: error: 1 field; need at least one feature and the label");
    CHECK(err("label\n5\n") == name + ":1: error: the header has 1 column; need features and a label");
}

TEST_CASE("Dataset::slice clamps to the dataset") {
    const Dataset d = numbered(5);
    const Dataset a = d.slice(1, 2);
    CHECK(a.rows == 2);
    CHECK(a.labels == std::vector<int64_t>{1, 2});
    CHECK(a.features == std::vector<float>{1, -1, 2, -2});
    CHECK(a.sample_shape == d.sample_shape);
    CHECK(a.classes == 5);
    const Dataset b = d.slice(3, 100);
    CHECK(b.rows == 2);
    CHECK(b.labels == std::vector<int64_t>{3, 4});
    const Dataset c = d.slice(9, 1);
    CHECK(c.rows == 0);
    CHECK(c.features.empty());
    CHECK(c.labels.empty());
    CHECK(Dataset{}.sample_size() == 0);
}

TEST_CASE(
    "split: a seeded Fisher-Yates shuffle, then the last round(rows * fraction) rows are the test set") {
    const Dataset all = numbered(10);
    const DataSplit s = split(all, 0.25, 42);  // round(2.5) = 3
    REQUIRE(s.train.rows == 7);
    REQUIRE(s.test.rows == 3);
    CHECK(s.train.classes == 10);
    CHECK(s.test.sample_shape == std::vector<int64_t>{2});

    // The documented shuffle, written out again here: j = rng() % (i + 1) from the top down.
    std::vector<int64_t> order(10);
    for (size_t i = 0; i < 10; ++i) order[i] = static_cast<int64_t>(i);
    std::mt19937_64 rng(42);
    for (size_t i = 9; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
    std::vector<int64_t> got = s.train.labels;
    got.insert(got.end(), s.test.labels.begin(), s.test.labels.end());
    CHECK(got == order);
    for (size_t r = 0; r < 7; ++r) {  // features move with their labels
        CHECK(s.train.features[2 * r] == static_cast<float>(s.train.labels[r]));
        CHECK(s.train.features[2 * r + 1] == -static_cast<float>(s.train.labels[r]));
    }
    CHECK(std::set<int64_t>(got.begin(), got.end()).size() == 10);

    CHECK(split(all, 0.25, 42).test.labels == s.test.labels);
    CHECK(split(all, 0.25, 43).train.labels != s.train.labels);
    CHECK(split(all, 0.05, 1).test.rows == 1);  // round(0.5) rounds half away from zero
}

TEST_CASE("split rejects fractions outside (0, 1) and splits that leave a set empty") {
    const Dataset all = numbered(10);
    CHECK_THROWS_AS((void)split(all, 0.0, 1), std::invalid_argument);
    CHECK_THROWS_AS((void)split(all, 1.0, 1), std::invalid_argument);
    CHECK_THROWS_AS((void)split(all, std::nan(""), 1), std::invalid_argument);
    CHECK(data_error([&] { (void)split(all, 0.04, 1); }) ==
          "split: 10 rows with test_fraction 0.04 leave an empty test set");
    CHECK(data_error([&] { (void)split(all, 0.96, 1); }) ==
          "split: 10 rows with test_fraction 0.96 leave an empty training set");
}

TEST_CASE("the real digits file: 1797 rows of 64 features, 10 classes, a deterministic split") {
    if (!fs::exists(default_digits_csv)) {
        MESSAGE("skipped: " << default_digits_csv.string() << " is not installed (python3-sklearn)");
        return;
    }
    const Dataset raw = load_csv(default_digits_csv);
    CHECK(raw.rows == 1797);
    CHECK(raw.sample_size() == 64);
    CHECK(raw.classes == 10);
    // The first line of the file, read here independently: 0,0,5,13,9,1,0,0,... with label 0.
    const Bytes head = gz_head(default_digits_csv, 16);
    CHECK(std::string(head.begin(), head.end()) == "0,0,5,13,9,1,0,0");
    CHECK(raw.features[2] == 5.0f);
    CHECK(raw.features[3] == 13.0f);
    CHECK(raw.labels[0] == 0);

    const DataSplit a = load_digits(0.2, 7);
    CHECK(a.train.rows == 1438);
    CHECK(a.test.rows == 359);  // round(1797 * 0.2) = round(359.4)
    CHECK(a.train.sample_shape == std::vector<int64_t>{1, 8, 8});
    CHECK(a.train.sample_size() == 64);
    CHECK(a.train.classes == 10);
    CHECK(a.test.classes == 10);
    CHECK(a.description == "digits: 1438 train / 359 test, 1x8x8, 10 classes (split with seed 7)");
    const auto [lo, hi] = std::minmax_element(a.train.features.begin(), a.train.features.end());
    CHECK(*lo == 0.0f);
    CHECK(*hi == 1.0f);

    // The split is the documented shuffle of the raw rows, features scaled by 1/16.
    std::vector<size_t> order(1797);
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937_64 rng(7);
    for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
    for (const size_t r : {size_t{0}, size_t{1}, size_t{1437}}) {
        CHECK(a.train.labels[r] == raw.labels[order[r]]);
        for (size_t k = 0; k < 64; ++k)
            CHECK(a.train.features[r * 64 + k] == raw.features[order[r] * 64 + k] / 16.0f);
    }
    CHECK(a.test.labels[358] == raw.labels[order[1796]]);

    const DataSplit same = load_digits(0.2, 7);
    CHECK(same.train.labels == a.train.labels);
    CHECK(same.train.features == a.train.features);
    CHECK(same.test.features == a.test.features);
    const DataSplit other = load_digits(0.2, 8);
    CHECK(other.train.rows == 1438);
    CHECK(other.train.labels != a.train.labels);
    CHECK(other.train.features != a.train.features);
}

TEST_CASE("the real Fashion-MNIST files: 60000 and 10000 images of 1x28x28, 10 classes") {
    const fs::path dir = default_fashion_mnist_dir;
    if (!fs::exists(dir / "train-images-idx3-ubyte.gz")) {
        MESSAGE("skipped: Fashion-MNIST is not installed in " << dir.string() << " (dataset-fashion-mnist)");
        return;
    }
    const DataSplit s = load_fashion_mnist();
    CHECK(s.train.rows == 60000);
    CHECK(s.test.rows == 10000);
    CHECK(s.train.sample_shape == std::vector<int64_t>{1, 28, 28});
    CHECK(s.test.sample_shape == std::vector<int64_t>{1, 28, 28});
    CHECK(s.train.features.size() == size_t{60000} * 784);
    CHECK(s.train.labels.size() == 60000);
    CHECK(s.train.classes == 10);
    CHECK(s.test.classes == 10);
    CHECK(s.description == "fashion-mnist: 60000 train / 10000 test, 1x28x28, 10 classes");

    // Checked against the files' bytes read here with zlib: the label after the 8-byte header,
    // and the first image after the 16-byte header.
    const Bytes train_labels = gz_head(dir / "train-labels-idx1-ubyte.gz", 9);
    CHECK(train_labels[3] == 0x01);
    CHECK(s.train.labels[0] == train_labels[8]);
    const Bytes test_labels = gz_head(dir / "t10k-labels-idx1-ubyte.gz", 9);
    CHECK(s.test.labels[0] == test_labels[8]);
    const Bytes first_image = gz_head(dir / "train-images-idx3-ubyte.gz", 16 + 784);
    bool same_pixels = true;
    for (size_t k = 0; k < 784; ++k)
        same_pixels = same_pixels && s.train.features[k] == static_cast<float>(first_image[16 + k]) / 255.0f;
    CHECK(same_pixels);
    const auto [lo, hi] = std::minmax_element(s.test.features.begin(), s.test.features.end());
    CHECK(*lo == 0.0f);
    CHECK(*hi == 1.0f);
}
