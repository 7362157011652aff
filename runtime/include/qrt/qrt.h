/* qrt: an int8 inference runtime. The C API.
 *
 * Valid C99 and C++. Every function checks its arguments: a NULL handle, an
 * index out of range, a wrong byte count or a call out of order returns a
 * status other than QRT_OK, and qrt_last_error() then names what was wrong.
 *
 * Lifecycle:
 *   qrt_model_load_file / qrt_model_load_buffer   (verifies the whole file)
 *   qrt_interpreter_create(model, options)        (one model, many interpreters)
 *   qrt_interpreter_prepare                       (shapes, kernels, arena; once)
 *   qrt_interpreter_set_input ... qrt_interpreter_invoke ... get_output  (many times)
 *   qrt_interpreter_destroy, then qrt_model_destroy
 *
 * Threads: a qrt_model is immutable after loading and may be shared by
 * interpreters on any number of threads. One qrt_interpreter must be used by
 * one thread at a time.
 */
#ifndef QRT_QRT_H_
#define QRT_QRT_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define QRT_API __declspec(dllexport)
#else
#define QRT_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qrt_status {
  QRT_OK = 0,
  QRT_INVALID_ARGUMENT = 1, /* NULL pointer, index out of range, wrong size */
  QRT_INVALID_STATE = 2,    /* call out of order, e.g. invoke before prepare */
  QRT_INVALID_MODEL = 3,    /* the file failed verification or a semantic check */
  QRT_UNSUPPORTED = 4,      /* well formed, but this build cannot run it */
  QRT_IO_ERROR = 5,         /* the file could not be opened, read or mapped */
  QRT_OUT_OF_MEMORY = 6,
  QRT_RUNTIME_ERROR = 7     /* anything else; the message says what */
} qrt_status;

/* Values match the .qfb schema's DType. */
typedef enum qrt_dtype {
  QRT_DTYPE_INT8 = 0,
  QRT_DTYPE_UINT8 = 1,
  QRT_DTYPE_INT16 = 2,
  QRT_DTYPE_INT32 = 3,
  QRT_DTYPE_FLOAT32 = 4,
  QRT_DTYPE_FLOAT16 = 5
} qrt_dtype;

#define QRT_MAX_DIMS 8

/* A graph input or output as the caller sees it. */
typedef struct qrt_tensor_info {
  const char* name;      /* owned by the model; valid while the model lives */
  qrt_dtype dtype;       /* the external dtype: what set_input / get_output take */
  int32_t num_dims;
  int32_t dims[QRT_MAX_DIMS];
  size_t byte_size;      /* product of dims times the dtype's size */
  int32_t quantized;     /* 1 when scale and zero_point apply; else both are 0 */
  float scale;           /* real = scale * (q - zero_point) */
  int32_t zero_point;    /* in the external dtype's range (0..255 for uint8) */
} qrt_tensor_info;

/* One operator of a prepared interpreter, for --info and profiling. */
typedef struct qrt_op_info {
  const char* type;      /* e.g. "CONV_2D" */
  const char* name;      /* the op's name in the model, or "" */
  const char* kernel;    /* the kernel prepare chose, e.g. "conv2d_s8_reference" */
  const char* requant;   /* "fixedpoint", "fp32" or "none" */
  const char* backend;   /* who runs the op: "qrt" or "xnnpack" (qrt_options_set_backend) */
  const char* backend_note; /* why the requested backend left the op to qrt, or "" */
} qrt_op_info;

/* One operator's profile (qrt_interpreter_get_op_profile). */
typedef struct qrt_op_profile {
  uint64_t last_ns;   /* wall time of the op in the most recent invoke */
  uint64_t total_ns;  /* summed over `count` invokes since prepare or the last reset */
  uint64_t count;     /* profiled invokes */
  uint64_t macs;      /* multiply-accumulates per invoke: CONV_2D, DEPTHWISE_CONV_2D
                         and FULLY_CONNECTED; 0 for every other op */
} qrt_op_profile;

typedef struct qrt_model qrt_model;
typedef struct qrt_options qrt_options;
typedef struct qrt_interpreter qrt_interpreter;

/* "MAJOR.MINOR.PATCH" of the library. */
QRT_API const char* qrt_version(void);
/* The message of the most recent failing call on this thread; "" if none
 * failed yet. Valid until the next failing call on the same thread. */
QRT_API const char* qrt_last_error(void);
/* A constant name for a status, e.g. "QRT_INVALID_MODEL". */
QRT_API const char* qrt_status_name(qrt_status status);

/* Model ------------------------------------------------------------------ */

/* Maps the file read-only and verifies it. */
QRT_API qrt_status qrt_model_load_file(const char* path, qrt_model** model);
/* Copies `size` bytes into memory the model owns, then verifies them. */
QRT_API qrt_status qrt_model_load_buffer(const void* data, size_t size, qrt_model** model);
/* Verifies and uses the caller's bytes in place: they must stay valid and
 * unchanged until qrt_model_destroy. Weights are read from them directly. */
QRT_API qrt_status qrt_model_load_buffer_borrowed(const void* data, size_t size,
                                                  qrt_model** model);
/* Safe on NULL (QRT_OK). Destroy every interpreter of the model first: while
 * interpreters still use it, the call returns QRT_INVALID_STATE and the model
 * is freed when its last interpreter is destroyed. A handle that is not a
 * live model (destroyed twice, or never loaded) returns QRT_INVALID_ARGUMENT
 * and is left alone. Every destroy function checks its handle so, as do
 * qrt_interpreter_create, _prepare and _invoke (an address that a later
 * create happened to reuse cannot be told apart). */
QRT_API qrt_status qrt_model_destroy(qrt_model* model);

/* Metadata; strings stay valid while the model lives ("" when absent). */
QRT_API qrt_status qrt_model_get_description(const qrt_model* model, const char** text);
QRT_API qrt_status qrt_model_get_producer(const qrt_model* model, const char** text);
QRT_API qrt_status qrt_model_get_label_count(const qrt_model* model, size_t* count);
QRT_API qrt_status qrt_model_get_label(const qrt_model* model, size_t index, const char** label);

/* Options ---------------------------------------------------------------- */

QRT_API qrt_status qrt_options_create(qrt_options** options);
/* Threads for invoke; 1 (the default) runs on the calling thread. 0 means one
 * per core. */
QRT_API qrt_status qrt_options_set_num_threads(qrt_options* options, int32_t num_threads);
/* The most activation memory prepare may allocate: the planned arena plus
 * the uint8 copies of uint8-interface inputs and outputs. A model that needs
 * more is refused by qrt_interpreter_prepare with QRT_OUT_OF_MEMORY and a
 * message, before anything is allocated. Default QRT_DEFAULT_MAX_ARENA_BYTES
 * (1 GiB); 0 is an argument error. See docs/security.md for every limit. */
#define QRT_DEFAULT_MAX_ARENA_BYTES ((size_t)1 << 30)
QRT_API qrt_status qrt_options_set_max_arena_bytes(qrt_options* options, size_t max_arena_bytes);
/* The most work one invoke may do: multiply-accumulates of CONV_2D,
 * DEPTHWISE_CONV_2D and FULLY_CONNECTED plus window reads of the pooling ops,
 * summed over the model. A model that needs more is refused by
 * qrt_interpreter_prepare with QRT_UNSUPPORTED and a message naming the
 * costliest op, before any weight is packed. Default QRT_DEFAULT_MAX_MACS
 * (2^40, some minutes of one core); 0 is an argument error. */
#define QRT_DEFAULT_MAX_MACS ((uint64_t)1 << 40)
QRT_API qrt_status qrt_options_set_max_macs(qrt_options* options, uint64_t max_macs);
/* Kernel ISA: NULL or "" (the default) for the QRT_ISA environment variable
 * when set, else the best this CPU has; or "reference", "sse41", "avx2",
 * "avxvnni", "avx512vnni" (x86-64), "neon", "neondot", "i8mm" (ARM), which
 * the CPU must have or prepare fails: never a silent fallback. */
QRT_API qrt_status qrt_options_set_isa(qrt_options* options, const char* isa);
/* Backend: NULL, "" or "qrt" (the default) runs every op on qrt's kernels;
 * "xnnpack" hands the ops XNNPACK supports to XNNPACK's operators at prepare
 * and runs the rest on qrt's kernels (qrt_op_info says which ran where). A
 * build without QRT_WITH_XNNPACK returns QRT_UNSUPPORTED for "xnnpack". */
QRT_API qrt_status qrt_options_set_backend(qrt_options* options, const char* backend);
/* 1: invoke times every op (two clock reads per op) for
 * qrt_interpreter_get_op_profile; 0 (the default): no timing, no cost. */
QRT_API qrt_status qrt_options_set_profiling(qrt_options* options, int32_t enable);
/* Safe on NULL; a handle that is not live options returns QRT_INVALID_ARGUMENT. */
QRT_API qrt_status qrt_options_destroy(qrt_options* options);

/* Interpreter ------------------------------------------------------------ */

/* `options` may be NULL for the defaults; it is copied, not retained. */
QRT_API qrt_status qrt_interpreter_create(const qrt_model* model, const qrt_options* options,
                                          qrt_interpreter** interpreter);
/* Infers shapes, chooses kernels, computes requantization parameters and
 * plans the arena. Call once, before anything that touches tensor data. */
QRT_API qrt_status qrt_interpreter_prepare(qrt_interpreter* interpreter);
QRT_API qrt_status qrt_interpreter_invoke(qrt_interpreter* interpreter);
/* Safe on NULL; a handle that is not a live interpreter (destroyed twice)
 * returns QRT_INVALID_ARGUMENT and is left alone. */
QRT_API qrt_status qrt_interpreter_destroy(qrt_interpreter* interpreter);

QRT_API qrt_status qrt_interpreter_get_input_count(const qrt_interpreter* interpreter,
                                                   size_t* count);
QRT_API qrt_status qrt_interpreter_get_output_count(const qrt_interpreter* interpreter,
                                                    size_t* count);
QRT_API qrt_status qrt_interpreter_get_input_info(const qrt_interpreter* interpreter,
                                                  size_t index, qrt_tensor_info* info);
QRT_API qrt_status qrt_interpreter_get_output_info(const qrt_interpreter* interpreter,
                                                   size_t index, qrt_tensor_info* info);

/* Copy in or out; `size` must equal the tensor's byte_size (the external
 * dtype's size times the elements: a buffer of the wrong dtype has the wrong
 * size). set_input after prepare; get_output after a successful invoke
 * (QRT_INVALID_STATE before). Float inputs may hold NaN and infinity: the
 * model's QUANTIZE maps NaN to the zero point and +-inf to 127 / -128. */
QRT_API qrt_status qrt_interpreter_set_input(qrt_interpreter* interpreter, size_t index,
                                             const void* data, size_t size);
QRT_API qrt_status qrt_interpreter_get_output(const qrt_interpreter* interpreter, size_t index,
                                              void* data, size_t size);
/* Direct pointers to an input or output buffer (external dtype, byte_size
 * bytes), valid from prepare until destroy. Inputs are kept intact across
 * invocations. */
QRT_API qrt_status qrt_interpreter_get_input_buffer(qrt_interpreter* interpreter, size_t index,
                                                    void** data);
QRT_API qrt_status qrt_interpreter_get_output_buffer(const qrt_interpreter* interpreter,
                                                     size_t index, const void** data);

/* Bytes of the model's constant tensors (weights, biases, tables), as stored in the file. */
QRT_API qrt_status qrt_model_get_weight_size(const qrt_model* model, size_t* bytes);

/* Bytes of the activation arena prepare planned. */
QRT_API qrt_status qrt_interpreter_get_arena_size(const qrt_interpreter* interpreter,
                                                  size_t* bytes);
QRT_API qrt_status qrt_interpreter_get_op_count(const qrt_interpreter* interpreter,
                                                size_t* count);
/* Strings stay valid while the interpreter lives. After prepare. */
QRT_API qrt_status qrt_interpreter_get_op_info(const qrt_interpreter* interpreter, size_t index,
                                               qrt_op_info* info);
/* The precision op `index` computes in (indexed as qrt_interpreter_get_op_info):
 * "int8", "float32", "float32+fp16 weights", "int4 weights" (FULLY_CONNECTED_W4),
 * "dynamic int8" (DYNAMIC_FULLY_CONNECTED, DYNAMIC_CONV_2D), "float32->int8" (QUANTIZE),
 * "int8->float32" (DEQUANTIZE), "int16" or "int32"; a static string. After
 * prepare. A function of its own rather than a qrt_op_info field, so that
 * callers built against the older, smaller struct stay correct. */
QRT_API qrt_status qrt_interpreter_get_op_precision(const qrt_interpreter* interpreter, size_t index,
                                                    const char** precision);
/* The kernel ISA prepare chose, e.g. "avx2"; a static string. After prepare. */
QRT_API qrt_status qrt_interpreter_get_isa(const qrt_interpreter* interpreter, const char** isa);
/* Profiling (qrt_options_set_profiling): after prepare, on an interpreter
 * created with profiling on; QRT_INVALID_STATE otherwise. Ops are indexed in
 * run order, as qrt_interpreter_get_op_info. */
QRT_API qrt_status qrt_interpreter_get_op_profile(const qrt_interpreter* interpreter, size_t index,
                                                  qrt_op_profile* profile);
/* Zeroes every op's times and counts (MACs stay), e.g. after warm-up runs. */
QRT_API qrt_status qrt_interpreter_reset_op_profile(qrt_interpreter* interpreter);

/* Packed weights: an op's weights rearranged for its kernel, with bias, zero
 * points and requantization values folded in. They are packed once per model
 * and kernel family and shared by every interpreter of the model; a file
 * written by `qconvert --pack ISA` carries them, and prepare then uses them
 * in place instead of packing (docs/format.md, "Packed weights").
 *
 * Bytes of packed weights this interpreter's ops run on, and how many of
 * those came from the file rather than from packing. After prepare. */
QRT_API qrt_status qrt_interpreter_get_packed_weight_size(const qrt_interpreter* interpreter,
                                                          size_t* bytes, size_t* from_file_bytes);
/* Bytes of packed weights the model allocated for all its interpreters so
 * far (packed at prepare, or copied from an unaligned caller buffer), and
 * bytes of the file's packings used in place. */
QRT_API qrt_status qrt_model_get_packed_weight_size(const qrt_model* model, size_t* allocated_bytes,
                                                    size_t* in_place_bytes);

/* One op's packed weights (qrt_interpreter_get_op_packed_weights). */
typedef struct qrt_packed_weights {
  const void* data;    /* owned by the model: valid until qrt_model_destroy */
  size_t size;
  const char* format;  /* the layout's name, e.g. "qs8_gemm_v1 nr32 kr4 offset128"; valid as data */
  uint64_t checksum;   /* what a .qfb stores to prove the bytes belong to the op */
  int32_t from_file;   /* 1: the file's packing, 0: packed at prepare */
} qrt_packed_weights;
/* Op `index`'s packed weights, after prepare (qconvert --pack stores them).
 * QRT_INVALID_ARGUMENT, with a message, for an op whose kernel packs none. */
QRT_API qrt_status qrt_interpreter_get_op_packed_weights(const qrt_interpreter* interpreter, size_t index,
                                                         qrt_packed_weights* packed);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* QRT_QRT_H_ */
