#include "kernels/transpose_x8.h"

#include <cstring>
#include <initializer_list>

namespace qrt {
namespace {

using reference::kMaxTransposeRank;

// A transpose after normalisation: no size-1 dims, no two input dims that
// stay adjacent and in order.
struct NormalisedTranspose {
  int rank = 0;
  int64_t dims[kMaxTransposeRank] = {};  // input dims
  int perm[kMaxTransposeRank] = {};      // output dim i is input dim perm[i]
};

// Returns false for an empty tensor (nothing to move).
bool normalise(const reference::TransposeParams& p, NormalisedTranspose* n) {
  // Drop size-1 dims: renumber the kept input dims in order.
  int new_index[kMaxTransposeRank];
  int kept_rank = 0;
  int64_t kept_dims[kMaxTransposeRank];
  for (int d = 0; d < p.rank; ++d) {
    if (p.input_dims[d] == 0) return false;
    new_index[d] = p.input_dims[d] == 1 ? -1 : kept_rank;
    if (p.input_dims[d] != 1) kept_dims[kept_rank++] = p.input_dims[d];
  }
  int kept_perm[kMaxTransposeRank];
  int k = 0;
  for (int i = 0; i < p.rank; ++i) {
    if (new_index[p.perm[i]] >= 0) kept_perm[k++] = new_index[p.perm[i]];
  }
  // Merge runs of output dims whose input dims are consecutive and ascending:
  // each run becomes one dim.
  int run_of_output[kMaxTransposeRank];
  int runs = 0;
  for (int i = 0; i < kept_rank; ++i) {
    if (i > 0 && kept_perm[i] == kept_perm[i - 1] + 1) {
      run_of_output[i] = run_of_output[i - 1];
    } else {
      run_of_output[i] = runs++;
    }
  }
  // The runs in input order give the merged input dims.
  int64_t run_size[kMaxTransposeRank];
  int run_first_input_dim[kMaxTransposeRank];
  for (int r = 0; r < runs; ++r) run_size[r] = 1;
  for (int i = 0; i < kept_rank; ++i) {
    run_size[run_of_output[i]] *= kept_dims[kept_perm[i]];
    if (i == 0 || run_of_output[i] != run_of_output[i - 1]) run_first_input_dim[run_of_output[i]] = kept_perm[i];
  }
  // Input position of each run: its rank among the runs by first input dim.
  n->rank = runs;
  for (int r = 0; r < runs; ++r) {
    int position = 0;
    for (int s = 0; s < runs; ++s) position += run_first_input_dim[s] < run_first_input_dim[r];
    n->dims[position] = run_size[r];
    n->perm[r] = position;
  }
  return true;
}

// Transposes one 8x8 tile held as eight little-endian 64-bit rows: byte c of
// row r ends up as byte r of row c. Three stages swap 1x1, 2x2 and 4x4 blocks
// across the diagonal.
void transpose_8x8_words(uint64_t x[8]) {
  for (int r = 0; r < 8; r += 2) {
    const uint64_t t = ((x[r] >> 8) ^ x[r + 1]) & 0x00FF00FF00FF00FFull;
    x[r + 1] ^= t;
    x[r] ^= t << 8;
  }
  for (int r : {0, 1, 4, 5}) {
    const uint64_t t = ((x[r] >> 16) ^ x[r + 2]) & 0x0000FFFF0000FFFFull;
    x[r + 2] ^= t;
    x[r] ^= t << 16;
  }
  for (int r = 0; r < 4; ++r) {
    const uint64_t t = ((x[r] >> 32) ^ x[r + 4]) & 0x00000000FFFFFFFFull;
    x[r + 4] ^= t;
    x[r] ^= t << 32;
  }
}

bool little_endian() {
  const uint16_t one = 1;
  uint8_t first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// dst[i * dst_stride + j] = src[j * src_stride + i] for j < rows, i < cols.
void transpose_2d(const int8_t* src, int64_t src_stride, int64_t rows, int64_t cols, int8_t* dst,
                  int64_t dst_stride) {
  constexpr int64_t kBlock = 64;  // 64 source and 64 destination lines stay in L1
  static const bool use_words = little_endian();
  for (int64_t j0 = 0; j0 < rows; j0 += kBlock) {
    const int64_t j_end = j0 + kBlock < rows ? j0 + kBlock : rows;
    for (int64_t i0 = 0; i0 < cols; i0 += kBlock) {
      const int64_t i_end = i0 + kBlock < cols ? i0 + kBlock : cols;
      int64_t j = j0;
      if (use_words) {
        for (; j + 8 <= j_end; j += 8) {
          int64_t i = i0;
          for (; i + 8 <= i_end; i += 8) {
            uint64_t x[8];
            for (int r = 0; r < 8; ++r) std::memcpy(&x[r], src + (j + r) * src_stride + i, 8);
            transpose_8x8_words(x);
            for (int r = 0; r < 8; ++r) std::memcpy(dst + (i + r) * dst_stride + j, &x[r], 8);
          }
          for (; i < i_end; ++i) {
            for (int64_t jj = j; jj < j + 8; ++jj) dst[i * dst_stride + jj] = src[jj * src_stride + i];
          }
        }
      }
      for (; j < j_end; ++j) {
        for (int64_t i = i0; i < i_end; ++i) dst[i * dst_stride + j] = src[j * src_stride + i];
      }
    }
  }
}

}  // namespace

void transpose_x8__portable(const reference::TransposeParams& p, const int8_t* input, int8_t* output) {
  NormalisedTranspose n;
  if (!normalise(p, &n)) return;
  int64_t total = 1;
  int64_t input_strides[kMaxTransposeRank];
  for (int d = n.rank - 1; d >= 0; --d) {
    input_strides[d] = total;
    total *= n.dims[d];
  }
  if (n.rank <= 1) {  // the identity once size-1 dims are gone
    std::memcpy(output, input, static_cast<size_t>(total));
    return;
  }
  int64_t output_dims[kMaxTransposeRank];
  int64_t step[kMaxTransposeRank];  // input stride of each output dim
  for (int i = 0; i < n.rank; ++i) {
    output_dims[i] = n.dims[n.perm[i]];
    step[i] = input_strides[n.perm[i]];
  }
  int64_t output_strides[kMaxTransposeRank];
  int64_t size = 1;
  for (int i = n.rank - 1; i >= 0; --i) {
    output_strides[i] = size;
    size *= output_dims[i];
  }

  // The output dims the odometer walks (all but the ones one inner call
  // covers), and what one inner call does.
  const int last = n.rank - 1;
  int walked[kMaxTransposeRank];
  int walked_count = 0;
  int input_inner_at = -1;  // output position of the innermost input dim
  for (int i = 0; i < n.rank; ++i) {
    if (n.perm[i] == last) input_inner_at = i;
  }
  // The innermost input dim stays innermost (e.g. [B][A][C] from [A][B][C]):
  // contiguous runs of output_dims[last] bytes.
  const bool runs = n.perm[last] == last;
  for (int i = 0; i < n.rank; ++i) {
    if (i == last || (!runs && i == input_inner_at)) continue;
    walked[walked_count++] = i;
  }

  int64_t index[kMaxTransposeRank] = {};
  int64_t input_offset = 0, output_offset = 0;
  for (;;) {
    if (runs) {
      std::memcpy(output + output_offset, input + input_offset, static_cast<size_t>(output_dims[last]));
    } else {
      // Rows j: the output's innermost dim (input stride step[last]); columns
      // i: the input's innermost dim (output stride output_strides[input_inner_at]).
      transpose_2d(input + input_offset, step[last], output_dims[last], output_dims[input_inner_at],
                   output + output_offset, output_strides[input_inner_at]);
    }
    int w = walked_count - 1;
    for (; w >= 0; --w) {
      const int i = walked[w];
      input_offset += step[i];
      output_offset += output_strides[i];
      if (++index[i] < output_dims[i]) break;
      input_offset -= step[i] * output_dims[i];
      output_offset -= output_strides[i] * output_dims[i];
      index[i] = 0;
    }
    if (w < 0) return;
  }
}

}  // namespace qrt
