# Builds disentangle_native.node: the native tfjs kernels of src/backends/native.ts over oneDNN.
# Built by scripts/build_native.mjs (npm install / npm run build:native), never by npm implicitly:
# this file lives in native/ so that npm does not run node-gyp on every install.
{
  "targets": [
    {
      "target_name": "disentangle_native",
      "sources": [
        "src/addon.cc",
        "src/convolution.cc",
        "src/matmul.cc",
        "src/elementwise.cc",
        "src/fused.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++14", "-O2"],
      # No -march: the addon stays portable; oneDNN picks its ISA (AVX-512 etc.) at run time.
      # -fno-trapping-math lets loops with float comparisons (ReLU, GELU's clamps) vectorise; no
      # value changes, only floating-point exception flags go unobserved.
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fopenmp", "-fno-math-errno", "-fno-trapping-math"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
