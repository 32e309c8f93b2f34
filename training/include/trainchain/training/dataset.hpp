// training/include/trainchain/training/dataset.hpp - the data a run trains on: loaders for
// IDX (MNIST-style, plain or gzipped) and CSV files, Fashion-MNIST and sklearn's digits, and the
// deterministic train/test split. No torch here: tensors are made from these plain buffers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace trainchain::training {

/// A labelled dataset in memory: `rows` samples of `sample_size()` features each, row-major, as
/// floats scaled for training (IDX pixels to [0, 1]; CSV values as written, digits to [0, 1]).
struct Dataset {
    std::vector<float> features;  ///< rows * sample_size() values
    std::vector<int64_t> labels;  ///< rows labels, each in [0, classes)
    size_t rows = 0;
    std::vector<int64_t> sample_shape;  ///< one sample's shape: {1, 28, 28} for images, {n} for tables
    int64_t classes = 0;                ///< 1 + the largest label

    /// Features per sample (the product of sample_shape).
    [[nodiscard]] size_t sample_size() const noexcept;
    /// The first `count` rows from `begin` (clamped to the dataset).
    [[nodiscard]] Dataset slice(size_t begin, size_t count) const;
};

/// A training set and the test set its accuracy is measured on.
struct DataSplit {
    Dataset train;
    Dataset test;
    std::string description;  ///< e.g. "fashion-mnist: 60000 train / 10000 test, 1x28x28, 10 classes"
};

/// A file that cannot be read or parsed. The message names the file and, where it has one, the
/// line or byte offset: "PATH:LINE: error: ..." or "PATH: error: ...".
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Reads a whole file, gunzipping it when it starts with the gzip magic bytes.
std::vector<uint8_t> read_maybe_gzipped(const std::filesystem::path& path);

/// An IDX image file (magic 0x00000803, uint8 pixels, scaled to [0, 1]) and its IDX label file
/// (magic 0x00000801); plain or gzipped. Throws DataError on a bad magic, a short file or a count
/// mismatch between the two.
Dataset load_idx(const std::filesystem::path& images, const std::filesystem::path& labels);

/// A CSV file (plain or gzipped) of numeric rows: features, then the integer label in the last
/// column. A first line that does not parse as numbers is taken as a header and skipped. Every row
/// must have the same number of columns. Throws DataError naming the line and column.
Dataset load_csv(const std::filesystem::path& path);

/// Where Debian's dataset-fashion-mnist package puts the files.
inline const std::filesystem::path default_fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";
/// Where Debian's python3-sklearn package puts the digits CSV.
inline const std::filesystem::path default_digits_csv =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

/// Fashion-MNIST: train-images/labels (60,000) and t10k-images/labels (10,000) from `dir`.
DataSplit load_fashion_mnist(const std::filesystem::path& dir = default_fashion_mnist_dir);

/// sklearn's 8x8 digits (1,797 rows of 64 values in 0..16, scaled to [0, 1]), split by `split`.
DataSplit load_digits(double test_fraction, uint64_t seed,
                      const std::filesystem::path& csv = default_digits_csv);

/// Splits one dataset into train and test: a seeded shuffle (std::mt19937_64, Fisher-Yates), then
/// the last round(rows * test_fraction) rows are the test set. Same seed, same split.
DataSplit split(const Dataset& all, double test_fraction, uint64_t seed);

}  // namespace trainchain::training
