// runtime/include/trainchain/runtime/queues.hpp - the Results Queue (epoch results from the Deep
// Learning Server) and the Consensus Queue (proof-of-work claims from the nodes). Both are
// thread-safe FIFOs.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "trainchain/runtime/block.hpp"

namespace trainchain::runtime {

/// A thread-safe FIFO.
template <class T>
class Queue {
public:
    void push(T item) {
        {
            std::lock_guard lock(mutex_);
            items_.push_back(std::move(item));
        }
        ready_.notify_one();
    }
    /// The next item, or nullopt when empty.
    std::optional<T> try_pop() {
        std::lock_guard lock(mutex_);
        if (items_.empty()) return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }
    /// Waits for the next item.
    T pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !items_.empty(); });
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }
    [[nodiscard]] size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<T> items_;
};

/// One epoch's result as the server posts it.
struct EpochResult {
    uint64_t epoch = 0;
    double accuracy = 0;
    double loss = 0;
    Bytes checkpoint;  ///< the model's weights (any bytes)
    std::string note;  ///< recorded in the block (the training server writes a JSON object)
    /// The epoch's segment commitment (Payload::segments), when the trainer recorded its states.
    std::optional<SegmentCommitment> segments;
};

/// A node's claim that it found the proof of work.
struct WorkClaim {
    uint32_t node = 0;
    uint64_t nonce = 0;
    Hash hash{};
    Signature signature{};  ///< the node's signature of its claim message (remote nodes)
};

using ResultsQueue = Queue<EpochResult>;
using ConsensusQueue = Queue<WorkClaim>;

}  // namespace trainchain::runtime
