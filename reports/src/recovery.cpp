// reports/src/recovery.cpp - the recovery-rate experiment (paper section 4.2, Fig. 7):
// real training, a keep-last-K checkpoint manager on disk, the chain, and a restore of every
// earlier epoch from both after each epoch; plus its CSV, Markdown, JSON and SVG forms.
#include "trainchain/reports/recovery.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/reports/plot.hpp"
#include "trainchain/training/server.hpp"

namespace trainchain::reports {

// The reports read the chain: its blocks, store and ledger.
using namespace runtime;   // the chain it records into
using namespace training;  // the experiment trains with the training library
namespace fs = std::filesystem;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

/// A checkpoint manager that behaves as tf.train.CheckpointManager(directory, max_to_keep=K):
/// each save writes a new file `ckpt-E`, appends it to the kept list, deletes the oldest kept file
/// once more than K are kept, and rewrites the `checkpoint` index naming the latest and all kept
/// files. Restoring reads a kept file; a deleted one is gone.
class KeepLastManager {
public:
    KeepLastManager(fs::path dir, uint32_t keep) : dir_(std::move(dir)), keep_(keep) {
        fs::create_directories(dir_);
    }

    void save(uint32_t epoch, std::span<const uint8_t> bytes) {
        const std::string name = "ckpt-" + std::to_string(epoch);
        runtime::write_file_atomically(dir_ / name, bytes);
        kept_.push_back(name);
        while (kept_.size() > keep_) {
            fs::remove(dir_ / kept_.front());
            kept_.pop_front();
        }
        std::string index = "model_checkpoint_path: \"" + kept_.back() + "\"\n";
        for (const auto& k : kept_) index += "all_model_checkpoint_paths: \"" + k + "\"\n";
        runtime::write_file_atomically(dir_ / "checkpoint",
                                       {reinterpret_cast<const uint8_t*>(index.data()), index.size()});
    }

    /// The bytes of epoch's checkpoint, if the manager still has it.
    [[nodiscard]] std::optional<Bytes> restore(uint32_t epoch) const {
        std::ifstream in(dir_ / ("ckpt-" + std::to_string(epoch)), std::ios::binary);
        if (!in) return std::nullopt;
        return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

private:
    fs::path dir_;
    uint32_t keep_;
    std::deque<std::string> kept_;
};

std::string percent(double v) { return fmt::format("{:.1f} %", 100 * v); }

/// One chain-side restore as training does it after an error: the nodes are asked for block
/// `height` as the restore point, the Rollback contract decides by majority and a rollback block
/// is appended through consensus (Chain::rollback); then the checkpoint the decided block names
/// is read from the store. The bytes, when they hash to the decided block's digest; nullopt when
/// the file is missing, damaged or holds other bytes. A rollback that is not decided for
/// `height` or not accepted is a ChainError.
std::optional<Bytes> voted_restore(runtime::Chain& chain, uint64_t height, uint32_t epoch) {
    const auto r = chain.rollback(height, fmt::format("report recovery: restore epoch {}", epoch));
    if (r.target != height)
        throw runtime::ChainError(
            fmt::format("the nodes decided block {} as restore point, not block {}", r.target, height));
    const runtime::Hash& digest = chain.blocks()[r.target].payload.checkpoint;
    std::optional<Bytes> bytes;
    try {
        bytes = chain.store().checkpoint(digest);
    } catch (const runtime::StoreError&) {
        return std::nullopt;  // not a checkpoint file any more
    }
    if (!bytes || runtime::sha256(*bytes) != digest) return std::nullopt;
    return bytes;
}

}  // namespace

RecoveryReport measure_recovery(const RecoveryOptions& options,
                                const std::function<void(uint32_t)>& progress) {
    if (options.max_epochs < 1 || options.max_epochs > 10000)
        throw ConfigError("--max-epochs: error: must be 1..10000");
    if (options.keep < 1) throw ConfigError("--keep: error: must be at least 1");
    if (options.tamper_epoch && (*options.tamper_epoch < 2 || *options.tamper_epoch > options.max_epochs))
        throw ConfigError("--tamper-epoch: error: must be 2..--max-epochs");
    if (fs::exists(options.dir))
        throw ConfigError(options.dir.string() +
                          ": error: already exists; the experiment needs a new directory");
    RecoveryReport report;
    report.options = options;

    TrainConfig config;
    config.seed = options.seed;
    config.epochs = options.max_epochs;
    const auto data = load_data(config.data, config.seed);
    Trainer trainer(config, data);
    report.model = data->description + "; " + trainer.describe() + ", Adam, 1 thread";

    fs::create_directories(options.dir);
    KeepLastManager manager(options.dir / "keep-last", options.keep);
    runtime::ChainConfig cc;
    cc.nodes = options.nodes;
    cc.difficulty_bits = options.difficulty_bits;
    cc.run_id = options.seed;
    auto chain = runtime::Chain::init(options.dir / "chain", cc);

    std::vector<runtime::Hash> recorded(1);  // recorded[e]: the digest of epoch e's checkpoint
    std::map<uint32_t, uint64_t> block_of;   // epoch -> its block
    const std::string digest = config_digest(config);
    for (uint32_t n = 1; n <= options.max_epochs; ++n) {
        const EpochPlan plan{n, planned_lr(config, n, 0), epoch_seed(config.seed, n, 0), {}, 0};
        auto t = std::chrono::steady_clock::now();
        const EpochMetrics m = trainer.train_epoch(plan);
        Bytes ckpt = trainer.checkpoint({plan, m, config.threads, digest});
        report.training_ms += ms_since(t);
        recorded.push_back(runtime::sha256(ckpt));

        t = std::chrono::steady_clock::now();
        manager.save(n, ckpt);
        const auto r =
            chain->append_epoch({n, m.test_accuracy, m.train_loss, std::move(ckpt), "", std::nullopt});
        if (!r.accepted)
            throw runtime::ChainError("the block of epoch " + std::to_string(n) + " was not accepted");
        block_of[n] = r.block.header.height;
        report.chain_ms += ms_since(t);
        if (options.tamper_epoch == n) {
            const auto& blocks = chain->blocks();
            fs::copy_file(chain->store().checkpoint_path(blocks[block_of.at(n - 1)].payload.checkpoint),
                          chain->store().checkpoint_path(blocks[block_of.at(n)].payload.checkpoint),
                          fs::copy_options::overwrite_existing);
        }

        t = std::chrono::steady_clock::now();
        RecoveryPoint p;
        p.n = n;
        p.attempted = n;
        for (uint32_t target = 1; target <= n; ++target) {
            if (const auto b = manager.restore(target); b && runtime::sha256(*b) == recorded[target])
                ++p.manager_restored;
            const auto b = voted_restore(*chain, block_of.at(target), target);
            ++report.rollbacks;
            if (b && runtime::sha256(*b) == recorded[target])
                ++p.chain_restored;
            else
                ++report.digest_failures;
        }
        report.restore_ms += ms_since(t);
        const double k = options.keep;
        p.paper_stated = std::min(1.0, k / n);
        p.paper_inequality = std::min(1.0, (k + 1) / n);
        report.points.push_back(p);
        if (progress) progress(n);
    }
    report.chain_blocks = chain->blocks().size();
    return report;
}

std::string recovery_csv(const RecoveryReport& r) {
    std::string out =
        "n,attempted,manager_restored,manager_rate,chain_restored,chain_rate,paper_stated_rate,paper_"
        "inequality_rate\n";
    for (const auto& p : r.points)
        out += fmt::format("{},{},{},{:.6f},{},{:.6f},{:.6f},{:.6f}\n", p.n, p.attempted, p.manager_restored,
                           static_cast<double>(p.manager_restored) / p.attempted, p.chain_restored,
                           static_cast<double>(p.chain_restored) / p.attempted, p.paper_stated,
                           p.paper_inequality);
    return out;
}

std::string recovery_json(const RecoveryReport& r) {
    nlohmann::json j;
    j["max_epochs"] = r.options.max_epochs;
    j["keep"] = r.options.keep;
    j["nodes"] = r.options.nodes;
    j["difficulty_bits"] = r.options.difficulty_bits;
    j["rollbacks"] = r.rollbacks;
    j["digest_failures"] = r.digest_failures;
    j["chain_blocks"] = r.chain_blocks;
    j["model"] = r.model;
    j["training_ms"] = r.training_ms;
    j["chain_ms"] = r.chain_ms;
    j["restore_ms"] = r.restore_ms;
    j["points"] = nlohmann::json::array();
    for (const auto& p : r.points)
        j["points"].push_back({{"n", p.n},
                               {"attempted", p.attempted},
                               {"manager_restored", p.manager_restored},
                               {"manager_rate", static_cast<double>(p.manager_restored) / p.attempted},
                               {"chain_restored", p.chain_restored},
                               {"chain_rate", static_cast<double>(p.chain_restored) / p.attempted},
                               {"paper_stated_rate", p.paper_stated},
                               {"paper_inequality_rate", p.paper_inequality}});
    return j.dump(2) + "\n";
}

std::string recovery_markdown(const RecoveryReport& r) {
    const auto& o = r.options;
    std::string out = "# Recovery rate (paper section 4.2, Fig. 7), measured\n\n";
    out += fmt::format(
        "Trained {} epochs ({}). After each epoch the full checkpoint went to a keep-last-{} manager "
        "(`tf.train.CheckpointManager(max_to_keep={})` behaviour: older files deleted) and to the chain "
        "({} nodes, proof of work at {} bits, 51 % consensus). Then every target epoch 1..n was restored "
        "from each: from the manager by reading its file; from the chain by a voted rollback (the nodes "
        "propose the target's block, the Rollback contract decides, a rollback block is mined at {} bits "
        "and accepted by consensus), then reading the checkpoint the decided block names. A restore "
        "counts only when the bytes hash to the digest recorded at save time.\n\n",
        o.max_epochs, r.model, o.keep, o.keep, o.nodes, o.difficulty_bits, o.difficulty_bits);
    out +=
        "| n | keep-last manager | chain | paper (as stated) | paper's inequality |\n| --- | --- | --- | --- "
        "| --- |\n";
    for (const auto& p : r.points) {
        if (!(p.n <= 10 || p.n % 5 == 0 || p.n == o.max_epochs)) continue;
        out +=
            fmt::format("| {} | {}/{} = {} | {}/{} = {} | {} | {} |\n", p.n, p.manager_restored, p.attempted,
                        percent(static_cast<double>(p.manager_restored) / p.attempted), p.chain_restored,
                        p.attempted, percent(static_cast<double>(p.chain_restored) / p.attempted),
                        percent(p.paper_stated), percent(p.paper_inequality));
    }
    const auto& last = r.points.back();
    const bool chain_all = std::all_of(r.points.begin(), r.points.end(), [](const RecoveryPoint& p) {
        return p.chain_restored == p.attempted;
    });
    out += fmt::format(
        "\nFindings:\n\n- At n = {} the keep-last-{} manager restored {} of {} targets ({}); the paper "
        "states {}.\n",
        last.n, o.keep, last.manager_restored, last.attempted,
        percent(static_cast<double>(last.manager_restored) / last.attempted), percent(last.paper_stated));
    out += fmt::format(
        "- The chain restored {} target at every n, each through a voted rollback: {} rollbacks, {} "
        "restores whose bytes did not hash to the decided block's digest; the chain holds {} blocks.\n",
        chain_all ? "every" : "NOT every", r.rollbacks, r.digest_failures, r.chain_blocks);
    out += fmt::format(
        "- Off by one: the paper's condition D_target >= D_end - {} admits {} targets (D_end - {} .. D_end), "
        "which would give {} at n = {}; a manager that keeps {} files holds exactly D_end - {} .. D_end, "
        "so the condition should read D_target > D_end - {}.\n",
        o.keep, o.keep + 1, o.keep, percent(last.paper_inequality), last.n, o.keep, o.keep - 1, o.keep);
    // The paper's conclusion, with its own K = 5 and n = 50.
    constexpr uint32_t paper_keep = 5, paper_n = 50;
    out += fmt::format(
        "- The paper's conclusion says the rate keeps falling by (n-{0})/n, to 10 % at n = {1}. But "
        "(n-{0})/n at n = {1} is {2}: the share of targets lost, not the rate, which its abstract and "
        "Fig. 7 give as {0}/n = {3}.",
        paper_keep, paper_n, percent(static_cast<double>(paper_n - paper_keep) / paper_n),
        percent(static_cast<double>(paper_keep) / paper_n));
    if (last.n > o.keep)
        out += fmt::format(
            " Here, at n = {}, (n-{})/n is {} and {} of {} targets were lost; the rate measured {}.", last.n,
            o.keep, percent(static_cast<double>(last.n - o.keep) / last.n),
            last.attempted - last.manager_restored, last.attempted,
            percent(static_cast<double>(last.manager_restored) / last.attempted));
    out += "\n";
    out += fmt::format(
        "- \"Keep the last 5\" is TensorFlow 1's default (`tf.train.Saver(max_to_keep=5)`). TensorFlow 2's "
        "`tf.train.CheckpointManager` has no default: `max_to_keep` is a required argument (None keeps every "
        "checkpoint), so K = {} here is a choice, not a framework limit.\n",
        o.keep);
    out += fmt::format(
        "\nTime: training {:.1f} s, both stores and the chain {:.1f} s, restores {:.1f} s (of which the {} "
        "voted rollbacks are almost all).\n",
        r.training_ms / 1000, r.chain_ms / 1000, r.restore_ms / 1000, r.rollbacks);
    return out;
}

std::string recovery_svg(const RecoveryReport& r) {
    const double w = 860, h = 460, left = 70, right = 250, top = 50, bottom = 60;
    const double n_max = std::max<double>(r.options.max_epochs, 1);
    const reports::PlotAxis x{0, n_max, left, w - right};
    const reports::PlotAxis y{0, 1, h - bottom, top};
    const auto num = [](double v) { return fmt::format("{:.2f}", v); };
    std::string s = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
        "height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"12\">\n",
        w, h, w, h);
    s += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", w, h);
    s += fmt::format("<text x=\"{}\" y=\"28\" font-size=\"16\" font-weight=\"bold\">{}</text>\n", left,
                     reports::xml_escape(fmt::format(
                         "Recovery rate over all earlier targets (Fig. 7), keep {}", r.options.keep)));
    for (int i = 0; i <= 4; ++i) {  // y grid: 0, 25, 50, 75, 100 %
        const double v = i / 4.0;
        s += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/>\n",
                         num(left), num(y.map(v)), num(w - right), num(y.map(v)));
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}%</text>\n", num(left - 8),
                         num(y.map(v) + 4), i * 25);
    }
    const int step = n_max <= 20 ? 1 : n_max <= 60 ? 5 : n_max <= 200 ? 20 : 100;
    for (int n = 0; n <= static_cast<int>(n_max); n += step)
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(x.map(n)),
                         num(h - bottom + 18), n);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">epochs trained (n)</text>\n",
                     num((left + w - right) / 2), num(h - 14));
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n", num(left),
                     num(h - bottom), num(w - right), num(h - bottom));
    s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n", num(left),
                     num(top), num(left), num(h - bottom));

    struct Series {
        const char* cls;
        const char* label;
        const char* style;
        std::function<double(const RecoveryPoint&)> value;
    };
    const Series series[] = {
        {"manager", "keep-last-K manager, measured", "stroke=\"#e6550d\" stroke-width=\"2.5\"",
         [](const RecoveryPoint& p) { return static_cast<double>(p.manager_restored) / p.attempted; }},
        {"chain", "trainchain, measured", "stroke=\"#3182bd\" stroke-width=\"2.5\"",
         [](const RecoveryPoint& p) { return static_cast<double>(p.chain_restored) / p.attempted; }},
        {"paper", "paper, as stated (K/n)", "stroke=\"#888\" stroke-width=\"2\" stroke-dasharray=\"6 4\"",
         [](const RecoveryPoint& p) { return p.paper_stated; }},
        {"inequality", "paper's inequality ((K+1)/n)",
         "stroke=\"#bbb\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"",
         [](const RecoveryPoint& p) { return p.paper_inequality; }},
    };
    double legend_y = top + 10;
    for (const auto& se : series) {
        std::string points;
        for (const auto& p : r.points) points += num(x.map(p.n)) + "," + num(y.map(se.value(p))) + " ";
        if (!points.empty()) points.pop_back();
        s += fmt::format("<polyline class=\"{}\" fill=\"none\" {} points=\"{}\"/>\n", se.cls, se.style,
                         points);
        s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>\n", num(w - right + 12),
                         num(legend_y), num(w - right + 40), num(legend_y), se.style);
        s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", num(w - right + 46), num(legend_y + 4),
                         reports::xml_escape(se.label));
        legend_y += 22;
    }
    s += "</svg>\n";
    return s;
}

}  // namespace trainchain::reports
