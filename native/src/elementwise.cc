// Elementwise kernels (unary maps, broadcasting binary ops) and sums over a contiguous block of
// axes. tfjs-backend-cpu runs these as JavaScript loops one element at a time; here they are
// plain loops the compiler vectorises, split across OpenMP threads when large. The formulas
// follow tfjs-backend-cpu's exactly (NaN handling included) so both backends agree.
#include <cmath>
#include <vector>

#include "kernels.h"

namespace native {
namespace {

// Codes shared with src/backends/native.ts (UNARY_OPS / BINARY_OPS there, same order).
enum class UnaryOp { Relu, Exp, Log, Log1p, Neg, Abs, Sqrt, Rsqrt, Square, Sigmoid, Softplus, Step, Reciprocal, Sign, Tanh, Erf };
enum class BinaryOp { Add, Sub, Mul, Div, Maximum, Minimum, SquaredDifference };

// tfjs's Softplus thresholds: beyond them softplus(x) is x (or exp(x)) to float32 precision.
const float kSoftplusThreshold = std::log(1.1920928955078125e-7f) + 2.0f;

template <typename F>
void Map(const float* x, float* y, int64_t n, F f) {
  ParallelFor(n, n, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) y[i] = f(x[i]);
  });
}

void ApplyUnary(UnaryOp op, const float* x, float* y, int64_t n, float alpha) {
  switch (op) {
    case UnaryOp::Relu: return Map(x, y, n, [](float v) { return v < 0.0f ? 0.0f : v; });
    case UnaryOp::Exp: return Map(x, y, n, [](float v) { return std::exp(v); });
    case UnaryOp::Log: return Map(x, y, n, [](float v) { return std::log(v); });
    case UnaryOp::Log1p: return Map(x, y, n, [](float v) { return std::log1p(v); });
    case UnaryOp::Neg: return Map(x, y, n, [](float v) { return -v; });
    case UnaryOp::Abs: return Map(x, y, n, [](float v) { return std::fabs(v); });
    case UnaryOp::Sqrt: return Map(x, y, n, [](float v) { return std::sqrt(v); });
    case UnaryOp::Rsqrt: return Map(x, y, n, [](float v) { return 1.0f / std::sqrt(v); });
    case UnaryOp::Square: return Map(x, y, n, [](float v) { return v * v; });
    case UnaryOp::Sigmoid: return Map(x, y, n, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
    case UnaryOp::Softplus:
      return Map(x, y, n, [](float v) {
        if (v < kSoftplusThreshold) return std::exp(v);
        if (v > -kSoftplusThreshold) return v;
        return std::log1p(std::exp(v));
      });
    case UnaryOp::Step:
      return Map(x, y, n, [alpha](float v) { return v != v ? v : (v > 0.0f ? 1.0f : alpha); });
    case UnaryOp::Reciprocal: return Map(x, y, n, [](float v) { return 1.0f / v; });
    case UnaryOp::Sign: return Map(x, y, n, [](float v) { return v < 0.0f ? -1.0f : (v > 0.0f ? 1.0f : 0.0f); });
    case UnaryOp::Tanh: return Map(x, y, n, [](float v) { return std::tanh(v); });
    case UnaryOp::Erf: return Map(x, y, n, [](float v) { return std::erf(v); });
  }
}

// The output's dimensions after merging neighbours that broadcast the same way, and each
// operand's stride along them (0 where it is broadcast). At most one entry per output axis.
struct BroadcastLayout {
  std::vector<int64_t> dims, stridesA, stridesB;
};

BroadcastLayout Layout(const std::vector<int64_t>& aShape, const std::vector<int64_t>& bShape,
                       const std::vector<int64_t>& outShape) {
  const size_t rank = outShape.size();
  auto padded = [rank](const std::vector<int64_t>& shape) {
    std::vector<int64_t> p(rank - shape.size(), 1);
    p.insert(p.end(), shape.begin(), shape.end());
    return p;
  };
  const std::vector<int64_t> a = padded(aShape), b = padded(bShape);
  BroadcastLayout layout;
  std::vector<bool> aKept, bKept;
  for (size_t i = 0; i < rank; i++) {
    if (outShape[i] == 1) continue;
    const bool keepA = a[i] != 1, keepB = b[i] != 1;
    if (!layout.dims.empty() && aKept.back() == keepA && bKept.back() == keepB) {
      layout.dims.back() *= outShape[i];
    } else {
      layout.dims.push_back(outShape[i]);
      aKept.push_back(keepA);
      bKept.push_back(keepB);
    }
  }
  if (layout.dims.empty()) {
    layout.dims.push_back(1);
    aKept.push_back(true);
    bKept.push_back(true);
  }
  layout.stridesA.resize(layout.dims.size());
  layout.stridesB.resize(layout.dims.size());
  int64_t strideA = 1, strideB = 1;
  for (size_t i = layout.dims.size(); i-- > 0;) {
    layout.stridesA[i] = aKept[i] ? strideA : 0;
    layout.stridesB[i] = bKept[i] ? strideB : 0;
    if (aKept[i]) strideA *= layout.dims[i];
    if (bKept[i]) strideB *= layout.dims[i];
  }
  return layout;
}

template <typename F>
void Broadcast(const BroadcastLayout& layout, const float* a, const float* b, float* out, F f) {
  const size_t last = layout.dims.size() - 1;
  const int64_t inner = layout.dims[last];
  const int64_t innerA = layout.stridesA[last], innerB = layout.stridesB[last];
  int64_t rows = 1;
  for (size_t i = 0; i < last; i++) rows *= layout.dims[i];
  ParallelFor(rows, rows * inner, [&](int64_t firstRow, int64_t endRow) {
  for (int64_t row = firstRow; row < endRow; row++) {
    int64_t offsetA = 0, offsetB = 0;
    for (int64_t i = static_cast<int64_t>(last) - 1, rest = row; i >= 0; i--) {
      const int64_t index = rest % layout.dims[i];
      rest /= layout.dims[i];
      offsetA += index * layout.stridesA[i];
      offsetB += index * layout.stridesB[i];
    }
    const float* ra = a + offsetA;
    const float* rb = b + offsetB;
    float* ro = out + row * inner;
    // Separate loops per stride pattern, so that each one vectorises.
    if (innerA && innerB) {
      for (int64_t j = 0; j < inner; j++) ro[j] = f(ra[j], rb[j]);
    } else if (innerA) {
      const float vb = rb[0];
      for (int64_t j = 0; j < inner; j++) ro[j] = f(ra[j], vb);
    } else if (innerB) {
      const float va = ra[0];
      for (int64_t j = 0; j < inner; j++) ro[j] = f(va, rb[j]);
    } else {
      const float v = f(ra[0], rb[0]);
      for (int64_t j = 0; j < inner; j++) ro[j] = v;
    }
  }
  });
}

void ApplyBinary(BinaryOp op, const BroadcastLayout& layout, const float* a, const float* b, float* out) {
  switch (op) {
    case BinaryOp::Add: return Broadcast(layout, a, b, out, [](float x, float y) { return x + y; });
    case BinaryOp::Sub: return Broadcast(layout, a, b, out, [](float x, float y) { return x - y; });
    case BinaryOp::Mul: return Broadcast(layout, a, b, out, [](float x, float y) { return x * y; });
    case BinaryOp::Div: return Broadcast(layout, a, b, out, [](float x, float y) { return x / y; });
    // Math.max / Math.min semantics: NaN if either is NaN.
    case BinaryOp::Maximum: return Broadcast(layout, a, b, out, [](float x, float y) { return (x > y || x != x) ? x : y; });
    case BinaryOp::Minimum: return Broadcast(layout, a, b, out, [](float x, float y) { return (x < y || x != x) ? x : y; });
    case BinaryOp::SquaredDifference:
      return Broadcast(layout, a, b, out, [](float x, float y) { return (x - y) * (x - y); });
  }
}

}  // namespace

// (op, x, y, alpha)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  ApplyUnary(static_cast<UnaryOp>(info[0].As<Napi::Number>().Int32Value()), FloatData(info[1]), FloatData(info[2]),
             Length(info[1]), info[3].As<Napi::Number>().FloatValue());
  return info.Env().Undefined();
}

// (op, a, aShape, b, bShape, out, outShape)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  ApplyBinary(static_cast<BinaryOp>(info[0].As<Napi::Number>().Int32Value()),
              Layout(IntList(info[2]), IntList(info[4]), IntList(info[6])),
              FloatData(info[1]), FloatData(info[3]), FloatData(info[5]));
  return info.Env().Undefined();
}

// (x, outer, reduced, inner, out): x viewed as [outer, reduced, inner], summed over the middle
// axis. Accumulates in double, like the cpu backend's JavaScript sum, so long sums agree.
Napi::Value ReduceSum(const Napi::CallbackInfo& info) {
  const float* x = FloatData(info[0]);
  const int64_t outer = info[1].As<Napi::Number>().Int64Value();
  const int64_t reduced = info[2].As<Napi::Number>().Int64Value();
  const int64_t inner = info[3].As<Napi::Number>().Int64Value();
  float* out = FloatData(info[4]);
  if (inner == 1) {
    ParallelFor(outer, outer * reduced, [=](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; o++) {
        const float* row = x + o * reduced;
        double sum = 0;
        for (int64_t r = 0; r < reduced; r++) sum += row[r];
        out[o] = static_cast<float>(sum);
      }
    });
  } else {
    ParallelFor(outer, outer * reduced * inner, [=](int64_t begin, int64_t end) {
      std::vector<double> sums(inner);
      for (int64_t o = begin; o < end; o++) {
        std::fill(sums.begin(), sums.end(), 0.0);
        for (int64_t r = 0; r < reduced; r++) {
          const float* row = x + (o * reduced + r) * inner;
          for (int64_t i = 0; i < inner; i++) sums[i] += row[i];
        }
        for (int64_t i = 0; i < inner; i++) out[o * inner + i] = static_cast<float>(sums[i]);
      }
    });
  }
  return info.Env().Undefined();
}

}  // namespace native
