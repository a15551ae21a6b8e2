// Fused kernels for the layers V3 and DecVAE are built from: exact GELU, training-mode BatchNorm
// over the channel axis and LayerNorm over the last axis, forward and gradient. Composed from tfjs ops each is 5-15
// passes over a map (GELU's gradient alone is erf, exp and eight products), and on the small
// networks that train here those passes, not the convolutions, were most of a step. Each kernel
// here is one or two passes; sums accumulate in double, like the cpu backend's.
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels.h"

namespace native {
namespace {

constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kInvSqrtTwoPi = 0.39894228040143268f;

// exp(x) for x <= 0 as 2^i * 2^f, 2^f on [-0.5, 0.5] by its degree-6 Taylor polynomial (relative
// error below 3e-8 before float rounding), 0 below -87. Unlike std::exp it vectorises: GELU and
// its gradient are one exp per element over every map of the network.
inline float ExpNonPositive(float x) {
  const float t = (x < -87.0f ? -87.0f : x) * 1.44269504088896341f;
  // Round to nearest by the 1.5 * 2^23 trick: std::nearbyint is a call without SSE4.1.
  const float whole = (t + 12582912.0f) - 12582912.0f;
  const float f = (t - whole) * 0.69314718055994531f;
  const float p = 1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720))))));
  int32_t bits;
  std::memcpy(&bits, &p, sizeof bits);
  bits += static_cast<int32_t>(whole) << 23;
  float result;
  std::memcpy(&result, &bits, sizeof result);
  return x < -87.0f ? 0.0f : result;
}

// The standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, erf by Abramowitz and Stegun 7.1.26
// (absolute error below 1.5e-7): the approximation tfjs's own Erf kernels use.
inline float NormalCdf(float x, float expMinusHalfSquare) {
  const float z = std::fabs(x) * kSqrtHalf;
  const float t = 1.0f / (1.0f + 0.3275911f * z);
  const float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  const float erfAbs = 1.0f - poly * expMinusHalfSquare;
  return 0.5f + 0.5f * std::copysign(erfAbs, x);
}

// Per-channel sums over a [rows, channels] view, in one pass.
template <typename F>
std::vector<double> ChannelSums(int64_t rows, int64_t channels, F value) {
  std::vector<double> sums(channels, 0.0);
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t c = 0; c < channels; c++) sums[c] += value(r * channels + c, c);
  }
  return sums;
}

// Per-channel sums of dy and of dy * xhat over a [rows, channels] view, in one pass: the
// gradients of a normalisation's beta and gamma.
template <typename Xhat>
void AffineGradientSums(int64_t rows, int64_t channels, const float* dy, Xhat xhat, std::vector<double>& sumDy,
                        std::vector<double>& sumDyXhat) {
  sumDy.assign(channels, 0.0);
  sumDyXhat.assign(channels, 0.0);
  for (int64_t r = 0; r < rows; r++) {
    for (int64_t c = 0; c < channels; c++) {
      const int64_t i = r * channels + c;
      sumDy[c] += dy[i];
      sumDyXhat[c] += double{dy[i]} * xhat(i, r, c);
    }
  }
}

}  // namespace

// (x, y): y = x * Phi(x), Phi the standard normal CDF by erf.
Napi::Value GeluForward(const Napi::CallbackInfo& info) {
  const float* x = FloatData(info[0]);
  float* y = FloatData(info[1]);
  const int64_t n = Length(info[0]);
  ParallelFor(n, n, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) y[i] = x[i] * NormalCdf(x[i], ExpNonPositive(-0.5f * x[i] * x[i]));
  });
  return info.Env().Undefined();
}

// (dy, x, dx): dx = dy * (Phi(x) + x * phi(x)).
Napi::Value GeluBackward(const Napi::CallbackInfo& info) {
  const float* dy = FloatData(info[0]);
  const float* x = FloatData(info[1]);
  float* dx = FloatData(info[2]);
  const int64_t n = Length(info[0]);
  ParallelFor(n, n, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const float v = x[i];
      const float density = ExpNonPositive(-0.5f * v * v);
      dx[i] = dy[i] * (NormalCdf(v, density) + v * kInvSqrtTwoPi * density);
    }
  });
  return info.Env().Undefined();
}

// (x, channels, gamma, beta, eps, y, mean, variance): x viewed as [rows, channels]; the batch's
// mean and biased variance per channel (two passes, so the variance does not cancel), then
// y = (x - mean) / sqrt(variance + eps) * gamma + beta.
Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  const float* x = FloatData(info[0]);
  const int64_t channels = info[1].As<Napi::Number>().Int64Value();
  const float* gamma = FloatData(info[2]);
  const float* beta = FloatData(info[3]);
  const double eps = info[4].As<Napi::Number>().DoubleValue();
  float* y = FloatData(info[5]);
  float* mean = FloatData(info[6]);
  float* variance = FloatData(info[7]);
  const int64_t rows = Length(info[0]) / channels;
  const std::vector<double> sums = ChannelSums(rows, channels, [=](int64_t i, int64_t) { return double{x[i]}; });
  std::vector<double> means(channels);
  for (int64_t c = 0; c < channels; c++) means[c] = sums[c] / rows;
  const std::vector<double> squares = ChannelSums(rows, channels, [&](int64_t i, int64_t c) {
    const double d = x[i] - means[c];
    return d * d;
  });
  std::vector<float> scale(channels), shift(channels);
  for (int64_t c = 0; c < channels; c++) {
    mean[c] = static_cast<float>(means[c]);
    variance[c] = static_cast<float>(squares[c] / rows);
    scale[c] = static_cast<float>(gamma[c] / std::sqrt(squares[c] / rows + eps));
    shift[c] = static_cast<float>(beta[c] - means[c] * scale[c]);
  }
  const float* s = scale.data();
  const float* b = shift.data();
  ParallelFor(rows, rows * channels, [=](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      for (int64_t c = 0; c < channels; c++) y[r * channels + c] = x[r * channels + c] * s[c] + b[c];
    }
  });
  return info.Env().Undefined();
}

// (dy, x, channels, gamma, mean, variance, eps, throughStatistics, dx, dGamma, dBeta): the
// gradient of the forward above. With xhat = (x - mean) * invStd over N rows: dBeta = sum dy,
// dGamma = sum dy * xhat, and dx = gamma * invStd * (dy - dBeta / N - xhat * dGamma / N) through
// the batch statistics, or gamma * invStd * dy where they are held constant (DecVAE's detached
// normalisation).
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const float* dy = FloatData(info[0]);
  const float* x = FloatData(info[1]);
  const int64_t channels = info[2].As<Napi::Number>().Int64Value();
  const float* gamma = FloatData(info[3]);
  const float* mean = FloatData(info[4]);
  const float* variance = FloatData(info[5]);
  const double eps = info[6].As<Napi::Number>().DoubleValue();
  const bool throughStatistics = info[7].As<Napi::Boolean>().Value();
  float* dx = FloatData(info[8]);
  float* dGamma = FloatData(info[9]);
  float* dBeta = FloatData(info[10]);
  const int64_t rows = Length(info[1]) / channels;
  std::vector<double> invStd(channels);
  for (int64_t c = 0; c < channels; c++) invStd[c] = 1.0 / std::sqrt(double{variance[c]} + eps);
  std::vector<double> sumDy, sumDyXhat;
  AffineGradientSums(rows, channels, dy, [&](int64_t i, int64_t, int64_t c) { return (x[i] - mean[c]) * invStd[c]; }, sumDy, sumDyXhat);
  std::vector<float> scale(channels), center(channels), meanDy(channels), meanDyXhat(channels), inv(channels);
  for (int64_t c = 0; c < channels; c++) {
    dBeta[c] = static_cast<float>(sumDy[c]);
    dGamma[c] = static_cast<float>(sumDyXhat[c]);
    scale[c] = static_cast<float>(gamma[c] * invStd[c]);
    inv[c] = static_cast<float>(invStd[c]);
    center[c] = mean[c];
    meanDy[c] = throughStatistics ? static_cast<float>(sumDy[c] / rows) : 0.0f;
    meanDyXhat[c] = throughStatistics ? static_cast<float>(sumDyXhat[c] / rows) : 0.0f;
  }
  const float *s = scale.data(), *m = center.data(), *md = meanDy.data(), *mdx = meanDyXhat.data(), *is = inv.data();
  ParallelFor(rows, rows * channels, [=](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      for (int64_t c = 0; c < channels; c++) {
        const int64_t i = r * channels + c;
        dx[i] = s[c] * (dy[i] - md[c] - (x[i] - m[c]) * is[c] * mdx[c]);
      }
    }
  });
  return info.Env().Undefined();
}

// (x, channels, gamma, beta, eps, y, mean, invStd): x viewed as [rows, channels], each row
// normalised by its own mean and biased variance (two passes per row), then scaled by gamma and
// shifted by beta per channel; each row's mean and 1 / sqrt(variance + eps) are kept for the gradient.
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  const float* x = FloatData(info[0]);
  const int64_t channels = info[1].As<Napi::Number>().Int64Value();
  const float* gamma = FloatData(info[2]);
  const float* beta = FloatData(info[3]);
  const double eps = info[4].As<Napi::Number>().DoubleValue();
  float* y = FloatData(info[5]);
  float* mean = FloatData(info[6]);
  float* invStd = FloatData(info[7]);
  const int64_t rows = Length(info[0]) / channels;
  ParallelFor(rows, rows * channels, [=](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      const float* row = x + r * channels;
      double sum = 0.0;
      for (int64_t c = 0; c < channels; c++) sum += row[c];
      const double m = sum / channels;
      double squares = 0.0;
      for (int64_t c = 0; c < channels; c++) squares += (row[c] - m) * (row[c] - m);
      const float is = static_cast<float>(1.0 / std::sqrt(squares / channels + eps));
      const float mf = static_cast<float>(m);
      mean[r] = mf;
      invStd[r] = is;
      for (int64_t c = 0; c < channels; c++) y[r * channels + c] = (row[c] - mf) * is * gamma[c] + beta[c];
    }
  });
  return info.Env().Undefined();
}

// (dy, x, channels, gamma, mean, invStd, dx, dGamma, dBeta): the gradient of the forward above.
// With xhat = (x - mean) * invStd and g = gamma * dy along a row of C values:
// dx = invStd * (g - mean(g) - xhat * mean(g * xhat)), dGamma = sum over rows of dy * xhat,
// dBeta = sum over rows of dy.
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const float* dy = FloatData(info[0]);
  const float* x = FloatData(info[1]);
  const int64_t channels = info[2].As<Napi::Number>().Int64Value();
  const float* gamma = FloatData(info[3]);
  const float* mean = FloatData(info[4]);
  const float* invStd = FloatData(info[5]);
  float* dx = FloatData(info[6]);
  float* dGamma = FloatData(info[7]);
  float* dBeta = FloatData(info[8]);
  const int64_t rows = Length(info[1]) / channels;
  ParallelFor(rows, rows * channels, [=](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      const int64_t at = r * channels;
      double sumG = 0.0, sumGXhat = 0.0;
      for (int64_t c = 0; c < channels; c++) {
        const double g = double{gamma[c]} * dy[at + c];
        sumG += g;
        sumGXhat += g * ((x[at + c] - mean[r]) * invStd[r]);
      }
      const float meanG = static_cast<float>(sumG / channels);
      const float meanGXhat = static_cast<float>(sumGXhat / channels);
      for (int64_t c = 0; c < channels; c++) {
        const float xhat = (x[at + c] - mean[r]) * invStd[r];
        dx[at + c] = invStd[r] * (gamma[c] * dy[at + c] - meanG - xhat * meanGXhat);
      }
    }
  });
  std::vector<double> sumDy, sumDyXhat;
  AffineGradientSums(rows, channels, dy, [=](int64_t i, int64_t r, int64_t) { return (x[i] - mean[r]) * invStd[r]; }, sumDy, sumDyXhat);
  for (int64_t c = 0; c < channels; c++) {
    dGamma[c] = static_cast<float>(sumDyXhat[c]);
    dBeta[c] = static_cast<float>(sumDy[c]);
  }
  return info.Env().Undefined();
}

}  // namespace native
