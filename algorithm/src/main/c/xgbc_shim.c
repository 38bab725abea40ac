/*
 * xgbc_shim: builds an XGBoost QuantileDMatrix on the CPU from the container's off-heap batches.
 *
 * Why this exists: xgboost4j 3.4.0 exposes QuantileDMatrix only through a JNI wrapper that is
 * compiled for CUDA alone ("XGBoost version not compiled with GPU support" on the CPU jar), so a
 * Java caller can only build a plain DMatrix, which stores every non-missing value as an 8-byte
 * (index, value) entry. The C API inside the same native library does build a QuantileDMatrix on
 * the CPU from a data callback, keeping only the quantised histogram index (about one byte per
 * cell with max_bin <= 256). This shim drives that C API over the batches' direct buffers, so no
 * value is copied onto the Java heap, and hands back a DMatrixHandle xgboost4j's DMatrix/Booster
 * accept, because every call goes to the very libxgboost4j instance xgboost4j loaded.
 *
 * The CUDA build (the GPU image) takes the same calls unchanged, and none needs a device setting:
 * XGQuantileDMatrixCreateFromCallback's config has no device key (missing, nthread, max_bin); the
 * matrix's device is that of the proxy's data, here host memory, so the quantile matrix is built on
 * the CPU, and a booster with device=cuda converts it to its GPU form (an EllpackPage) on first use
 * (IterativeDMatrix::GetEllpackBatches in XGBoost 3.4). Feature scores and slicing run on a booster
 * of their own loaded with the default device, the CPU, which both need no more than.
 *
 * C API followed: include/xgboost/c_api.h (XGProxyDMatrixCreate,
 * XGQuantileDMatrixCreateFromCallback, XGProxyDMatrixSetDataDense/CSR,
 * XGDMatrixSetInfoFromInterface) and the array interface protocol
 * (https://numpy.org/doc/stable/reference/arrays.interface.html).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef void *DMatrixHandle;
typedef void *DataIterHandle;
typedef void *BoosterHandle;
typedef uint64_t bst_ulong;
typedef int XGDMatrixCallbackNext(DataIterHandle iter);
typedef void DataIterResetCallback(DataIterHandle iter);

/* The C API entry points, looked up in the library xgboost4j loaded. */
static struct {
  const char *(*get_last_error)(void);
  int (*proxy_create)(DMatrixHandle *out);
  int (*proxy_set_dense)(DMatrixHandle proxy, const char *array_interface);
  int (*proxy_set_csr)(DMatrixHandle proxy, const char *indptr, const char *indices,
                       const char *data, bst_ulong ncol);
  int (*set_info)(DMatrixHandle handle, const char *field, const char *array_interface);
  int (*quantile_create)(DataIterHandle iter, DMatrixHandle proxy, DataIterHandle ref,
                         DataIterResetCallback *reset, XGDMatrixCallbackNext *next,
                         const char *config, DMatrixHandle *out);
  int (*extmem_create)(DataIterHandle iter, DMatrixHandle proxy, DataIterHandle ref,
                       DataIterResetCallback *reset, XGDMatrixCallbackNext *next,
                       const char *config, DMatrixHandle *out);
  int (*free_matrix)(DMatrixHandle handle);
  int (*num_col)(DMatrixHandle handle, bst_ulong *out);
  int (*booster_create)(const DMatrixHandle dmats[], bst_ulong len, BoosterHandle *out);
  int (*booster_load_buffer)(BoosterHandle handle, const void *buf, bst_ulong len);
  int (*booster_free)(BoosterHandle handle);
  int (*feature_score)(BoosterHandle handle, const char *config, bst_ulong *out_n_features,
                       const char ***out_features, bst_ulong *out_dim, const bst_ulong **out_shape,
                       const float **out_scores);
  int (*booster_slice)(BoosterHandle handle, int begin_layer, int end_layer, int step,
                       BoosterHandle *out);
  int (*booster_save_buffer)(BoosterHandle handle, const char *config, bst_ulong *out_len,
                             const char **out_dptr);
  int (*save_json_config)(BoosterHandle handle, bst_ulong *out_len, const char **out_str);
  int (*build_info)(const char **out);
  int (*predict_dense)(BoosterHandle handle, const char *values, const char *config, DMatrixHandle m,
                       const bst_ulong **out_shape, bst_ulong *out_dim, const float **out_result);
  int (*predict_csr)(BoosterHandle handle, const char *indptr, const char *indices, const char *values,
                     bst_ulong ncol, const char *config, DMatrixHandle m, const bst_ulong **out_shape,
                     bst_ulong *out_dim, const float **out_result);
  int (*predict_dmatrix)(BoosterHandle handle, DMatrixHandle dmat, const char *config,
                         const bst_ulong **out_shape, bst_ulong *out_dim, const float **out_result);
} api;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ENDIAN ">"
#else
#define ENDIAN "<"
#endif

/* A symbol only xgboost4j's library exports, so a plain libxgboost elsewhere is never picked. */
#define MARKER "Java_ml_dmlc_xgboost4j_java_XGBoostJNI_XGBGetLastError"

struct search {
  void *handle;
  char path[4096];
};

static int visit(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct search *s = data;
  if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0') {
    return 0;
  }
  /* RTLD_NOLOAD: only take a reference to an object that is already loaded. */
  void *h = dlopen(info->dlpi_name, RTLD_NOLOAD | RTLD_LAZY);
  if (h == NULL) {
    return 0;
  }
  if (dlsym(h, MARKER) != NULL && dlsym(h, "XGQuantileDMatrixCreateFromCallback") != NULL) {
    s->handle = h;
    snprintf(s->path, sizeof s->path, "%s", info->dlpi_name);
    return 1;
  }
  dlclose(h);
  return 0;
}

#define BIND(field, name)                                                  \
  do {                                                                     \
    *(void **)(&api.field) = dlsym(s.handle, name);                        \
    if (api.field == NULL) {                                               \
      snprintf(msg, sizeof msg, "%s has no symbol %s", s.path, name);      \
      return (*env)->NewStringUTF(env, msg);                               \
    }                                                                      \
  } while (0)

/* Binds the C API; returns null when ready, otherwise why not. */
JNIEXPORT jstring JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_bind(JNIEnv *env,
                                                                             jclass cls) {
  (void)cls;
  char msg[4200];
  struct search s = {0};
  dl_iterate_phdr(visit, &s);
  if (s.handle == NULL) {
    return (*env)->NewStringUTF(env, "no loaded libxgboost4j exports the XGBoost C API");
  }
  BIND(get_last_error, "XGBGetLastError");
  BIND(proxy_create, "XGProxyDMatrixCreate");
  BIND(proxy_set_dense, "XGProxyDMatrixSetDataDense");
  BIND(proxy_set_csr, "XGProxyDMatrixSetDataCSR");
  BIND(set_info, "XGDMatrixSetInfoFromInterface");
  BIND(quantile_create, "XGQuantileDMatrixCreateFromCallback");
  BIND(extmem_create, "XGExtMemQuantileDMatrixCreateFromCallback");
  BIND(free_matrix, "XGDMatrixFree");
  BIND(num_col, "XGDMatrixNumCol");
  BIND(booster_create, "XGBoosterCreate");
  BIND(booster_load_buffer, "XGBoosterLoadModelFromBuffer");
  BIND(booster_free, "XGBoosterFree");
  BIND(feature_score, "XGBoosterFeatureScore");
  BIND(booster_slice, "XGBoosterSlice");
  BIND(booster_save_buffer, "XGBoosterSaveModelToBuffer");
  BIND(save_json_config, "XGBoosterSaveJsonConfig");
  BIND(build_info, "XGBuildInfo");
  BIND(predict_dense, "XGBoosterPredictFromDense");
  BIND(predict_csr, "XGBoosterPredictFromCSR");
  BIND(predict_dmatrix, "XGBoosterPredictFromDMatrix");
  return NULL;
}

/* One batch as raw addresses; the Java arrays passed in keep the buffers alive. */
struct batch {
  const void *labels;
  const void *weights;
  const void *values;
  const void *indptr;
  const void *indices;
  int rows;
  int columns;
  /* Packed short decimals (Java's PackedDecimals): bytes per value, 0 for floats, and the digits
   * after the point each stored integer is scaled by. */
  int width;
  int fraction;
};

struct iter {
  struct batch *batches;
  int count;
  int cursor;
  bst_ulong features;
  DMatrixHandle proxy;
  /* Whether the batches are read-only file mappings (the external-memory cache): a batch XGBoost
   * has consumed is dropped from this process's pages, so resident memory stays at one batch. */
  int release;
  /* The passes XGBoost has begun over the batches (a pass begins when it asks for batch 0). */
  int pass;
  /* Early release of an in-memory matrix's values (see consume_plan): from this pass on, a batch
   * XGBoost has moved past loses its feature values, kept only for the last pass, which does not
   * read them; 0 when the values stay. */
  int consume_from;
  int last_pass;
  unsigned char *consumed;
  /* Where a packed batch is decoded for XGBoost: room for the largest one's floats. */
  float *scratch;
  int failed;
  char error[2048];
};

static void fail(struct iter *it, const char *what) {
  if (!it->failed) {
    it->failed = 1;
    snprintf(it->error, sizeof it->error, "%s: %s", what, api.get_last_error());
  }
}

static void fail_plain(struct iter *it, const char *message) {
  if (!it->failed) {
    it->failed = 1;
    snprintf(it->error, sizeof it->error, "%s", message);
  }
}

static void array_json(char *out, size_t size, const void *data, long long length,
                       const char *type) {
  snprintf(out, size, "{\"data\":[%llu,true],\"shape\":[%lld],\"typestr\":\"" ENDIAN "%s\",\"version\":3}",
           (unsigned long long)(uintptr_t)data, length, type);
}

/* Drops the whole pages inside [p, p + bytes) of a file mapping; the file keeps the data. */
static void drop_pages(const void *p, long long bytes) {
  if (p == NULL || bytes <= 0) {
    return;
  }
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
  uintptr_t end = ((uintptr_t)p + (uintptr_t)bytes) & ~(page - 1);
  if (end > start) {
    madvise((void *)start, end - start, MADV_DONTNEED);
  }
}

static void release_batch(struct iter *it, int i) {
  if (!it->release || i < 0 || i >= it->count) {
    return;
  }
  const struct batch *b = &it->batches[i];
  long long rows = b->rows;
  long long values = rows * b->columns;
  if (b->indptr != NULL) {
    values = ((const int64_t *)b->indptr)[b->rows];
    drop_pages(b->indptr, (rows + 1) * 8);
    drop_pages(b->indices, values * 4);
  }
  drop_pages(b->values, values * 4);
  drop_pages(b->labels, rows * 4);
  drop_pages(b->weights, rows * 4);
}

/* Zeroes and returns to the system the whole pages of a batch's feature values (anonymous memory). */
static void consume_batch(struct iter *it, int i) {
  if (it->consume_from == 0 || it->pass < it->consume_from || i < 0 || i >= it->count || it->consumed[i]) {
    return;
  }
  const struct batch *b = &it->batches[i];
  drop_pages(b->values, (long long)b->rows * b->columns * (b->width != 0 ? b->width : 4));
  it->consumed[i] = 1;
}

/* Exact powers of ten, as PackedDecimals divides by them: the same division gives the same bits. */
static const float POW10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

/*
 * Decodes a packed batch into out: little-endian signed integers of b->width bytes, each divided by
 * 10^fraction; the lowest code of the width is a missing value (NaN), the next one -0.0. In chunks:
 * the integers first, then the division, which the compiler runs four or eight lanes at a time
 * (scalar, XGBoost would wait about 3 ns a value, four times a batch).
 */
__attribute__((optimize("O3"))) static void unpack(const struct batch *b, float *out) {
  const unsigned char *p = b->values;
  const long long n = (long long)b->rows * b->columns;
  const int width = b->width;
  const float scale = POW10[b->fraction];
  const int32_t nan_code = -(1 << (8 * width - 1));
  int32_t q[1024];
  for (long long at = 0; at < n; at += 1024) {
    const int len = n - at < 1024 ? (int)(n - at) : 1024;
    const unsigned char *c = p + at * width;
    if (width == 1) {
      for (int k = 0; k < len; k++) {
        q[k] = (signed char)c[k];
      }
    } else if (width == 2) {
      for (int k = 0; k < len; k++) {
        q[k] = (int16_t)(c[2 * k] | c[2 * k + 1] << 8);
      }
    } else {
      /* four bytes read, the fourth dropped: Java pads the buffer by one byte */
      for (int k = 0; k < len; k++) {
        uint32_t w;
        memcpy(&w, c + 3 * k, 4);
        q[k] = (int32_t)(w << 8) >> 8;
      }
    }
    float *o = out + at;
    int32_t least = INT32_MAX;
    for (int k = 0; k < len; k++) {
      o[k] = (float)q[k] / scale;
      least = q[k] < least ? q[k] : least;
    }
    if (least <= nan_code + 1) {
      for (int k = 0; k < len; k++) {
        if (q[k] == nan_code) {
          o[k] = NAN;
        } else if (q[k] == nan_code + 1) {
          o[k] = -0.0f;
        }
      }
    }
  }
}

/* Whether a packed batch holds a missing value (its width's lowest code). */
static int holds_missing(const struct batch *b) {
  const unsigned char *p = b->values;
  const long long n = (long long)b->rows * b->columns;
  const int top = b->width - 1;
  for (long long k = 0; k < n; k++, p += b->width) {
    /* the lowest code: 0x80 in the top byte, zeros below */
    if (p[top] == 0x80 && (top < 1 || p[0] == 0) && (top < 2 || p[1] == 0)) {
      return 1;
    }
  }
  return 0;
}

/* The floats XGBoost reads for batch b: its own, or the scratch room with its packed values decoded. */
static const float *floats_of(struct iter *it, const struct batch *b, int consumed) {
  if (b->width == 0) {
    return b->values;
  }
  if (consumed) {
    /* the last pass does not read them; zeros, as a consumed batch of floats reads */
    memset(it->scratch, 0, (size_t)b->rows * b->columns * sizeof(float));
  } else {
    unpack(b, it->scratch);
  }
  return it->scratch;
}

/* XGBoost has copied what it needs of batch i: drops it as the iterator's mode says. */
static void done_with(struct iter *it, int i) {
  release_batch(it, i);
  consume_batch(it, i);
}

static void reset_batches(DataIterHandle handle) {
  struct iter *it = handle;
  done_with(it, it->cursor - 1);
  it->cursor = 0;
}

/* Points the proxy at the next batch: features, labels, weights. Returns 0 at the end. */
static int next_batch(DataIterHandle handle) {
  struct iter *it = handle;
  /* XGBoost has copied what it needs of the previous batch before asking for the next one. */
  done_with(it, it->cursor - 1);
  if (it->failed || it->cursor >= it->count) {
    return 0;
  }
  if (it->cursor == 0) {
    it->pass++;
  }
  if (it->consume_from != 0 && it->consumed[it->cursor] && it->pass != it->last_pass) {
    char msg[512];
    snprintf(msg, sizeof msg, "XGBoost asked for batch %d of %d in pass %d over the data, after the batch's "
             "values were released: this XGBoost reads the data more often than the %d passes the container "
             "expects of XGBoost 3.4 (xgbc_shim.c, consume_plan): the container "
             "must be rebuilt with its early release matched to this XGBoost", it->cursor + 1, it->count, it->pass, it->last_pass);
    fail_plain(it, msg);
    return 0;
  }
  const struct batch *b = &it->batches[it->cursor];
  char a[256], c[256], d[256];
  if (b->indptr == NULL) {
    const float *v = floats_of(it, b, it->consume_from != 0 && it->consumed[it->cursor]);
    snprintf(a, sizeof a,
             "{\"data\":[%llu,true],\"shape\":[%d,%d],\"typestr\":\"" ENDIAN "f4\",\"version\":3}",
             (unsigned long long)(uintptr_t)v, b->rows, b->columns);
    if (api.proxy_set_dense(it->proxy, a) != 0) {
      fail(it, "setting dense batch");
      return 0;
    }
  } else {
    long long nnz = ((const int64_t *)b->indptr)[b->rows];
    array_json(a, sizeof a, b->indptr, (long long)b->rows + 1, "i8");
    array_json(c, sizeof c, b->indices, nnz, "i4");
    array_json(d, sizeof d, b->values, nnz, "f4");
    if (api.proxy_set_csr(it->proxy, a, c, d, it->features) != 0) {
      fail(it, "setting CSR batch");
      return 0;
    }
  }
  array_json(a, sizeof a, b->labels, b->rows, "f4");
  if (api.set_info(it->proxy, "label", a) != 0) {
    fail(it, "setting labels");
    return 0;
  }
  if (b->weights != NULL) {
    array_json(a, sizeof a, b->weights, b->rows, "f4");
    if (api.set_info(it->proxy, "weight", a) != 0) {
      fail(it, "setting weights");
      return 0;
    }
  }
  it->cursor++;
  return 1;
}

/*
 * Plans the early release of an in-memory matrix's feature values, so that the parsed rows and the
 * finished histogram index are never resident at once. XGBoost 3.4's IterativeDMatrix::InitFromCPU
 * (src/data/iterative_dmatrix.cc) reads the batches in passes: the data's shape (nonzeros per
 * batch), the quantile sketch (skipped when a reference matrix gives the cuts), the histogram
 * index (GHistIndexMatrix::PushAdapterBatch, which also copies the labels and weights out of the
 * proxy), then the column matrix (ColumnMatrix::PushBatch). The last pass reads the values only
 * when some are missing: for a dense matrix (every value present) it fills the columns from the
 * histogram index alone (SetIndexNoMissing). So for dense batches without a missing value each
 * batch's values are released as soon as the index pass has moved past it, and kept, zeroed, for
 * the last pass to point at; the labels and weights always stay (the last pass hands them over
 * again, and the caller reads them afterwards). Any other layout keeps its values: the caller
 * frees them once the build returns. ConsumingBuildTest checks these passes against the native library.
 */
static void consume_plan(struct iter *it, int has_ref, float missing) {
  for (int i = 0; i < it->count; i++) {
    const struct batch *b = &it->batches[i];
    if (b->indptr != NULL) {
      return;
    }
    long long n = (long long)b->rows * b->columns;
    if (b->width != 0 && isnan(missing)) {
      /* a packed value is missing exactly when it holds its width's lowest code */
      if (holds_missing(b)) {
        return;
      }
      continue;
    }
    const float *v = floats_of(it, b, 0);
    int absent = 0;
    for (long long k = 0; k < n; k++) {
      absent |= isnan(v[k]) | (v[k] == missing); /* nothing equals a NaN missing */
    }
    if (absent) {
      return;
    }
  }
  it->consumed = calloc(it->count > 0 ? it->count : 1, 1);
  if (it->consumed != NULL) {
    it->last_pass = has_ref ? 3 : 4;
    it->consume_from = it->last_pass - 1;
  }
}

static const void *address(JNIEnv *env, jobjectArray buffers, int i) {
  if (buffers == NULL) {
    return NULL;
  }
  jobject buffer = (*env)->GetObjectArrayElement(env, buffers, i);
  if (buffer == NULL) {
    return NULL;
  }
  const void *p = (*env)->GetDirectBufferAddress(env, buffer);
  (*env)->DeleteLocalRef(env, buffer);
  return p;
}

static void report(JNIEnv *env, jobjectArray error, const char *text) {
  jstring s = (*env)->NewStringUTF(env, text);
  (*env)->SetObjectArrayElement(env, error, 0, s);
}

/*
 * Builds a QuantileDMatrix from the batches. Per batch i: labels[i], weights[i] (null when none),
 * values[i], and for CSR indptr[i] and indices[i] (null arrays for dense); rows[i], columns[i].
 * Returns the DMatrixHandle, or 0 with error[0] set to XGBoost's message.
 */
static jlong create(JNIEnv *env, jobjectArray labels, jobjectArray weights, jobjectArray values,
                    jintArray packing, jobjectArray indptr, jobjectArray indices, jintArray rows, jintArray columns,
                    jlong features, jstring config, jlong ref, jobjectArray error, int external,
                    int consume, float missing, jlongArray stats) {
  int count = (*env)->GetArrayLength(env, labels);
  struct iter it = {0};
  it.count = count;
  it.features = (bst_ulong)features;
  it.release = external;
  it.batches = calloc(count > 0 ? count : 1, sizeof *it.batches);
  if (it.batches == NULL) {
    report(env, error, "out of memory for the batch table");
    return 0;
  }
  jint *r = (*env)->GetIntArrayElements(env, rows, NULL);
  jint *c = (*env)->GetIntArrayElements(env, columns, NULL);
  jint *packed = packing == NULL ? NULL : (*env)->GetIntArrayElements(env, packing, NULL);
  long long room = 0;
  int bad = -1;
  for (int i = 0; i < count; i++) {
    struct batch *b = &it.batches[i];
    b->labels = address(env, labels, i);
    b->weights = address(env, weights, i);
    b->values = address(env, values, i);
    b->indptr = address(env, indptr, i);
    b->indices = address(env, indices, i);
    b->rows = r[i];
    b->columns = c[i];
    if (packed != NULL && packed[i] != 0) {
      b->width = packed[i] >> 8;
      b->fraction = packed[i] & 0xff;
      if (b->width < 1 || b->width > 3 || b->fraction > 10 || indptr != NULL) {
        bad = i;
      }
      if ((long long)b->rows * b->columns > room) {
        room = (long long)b->rows * b->columns;
      }
    }
    if (b->labels == NULL || b->values == NULL || (indptr != NULL && (b->indptr == NULL || b->indices == NULL))) {
      bad = i;
    }
  }
  (*env)->ReleaseIntArrayElements(env, rows, r, JNI_ABORT);
  (*env)->ReleaseIntArrayElements(env, columns, c, JNI_ABORT);
  if (packed != NULL) {
    (*env)->ReleaseIntArrayElements(env, packing, packed, JNI_ABORT);
  }
  if (bad >= 0) {
    char msg[128];
    snprintf(msg, sizeof msg, "batch %d has a released or non-direct buffer, or an unknown packing", bad);
    report(env, error, msg);
    free(it.batches);
    return 0;
  }
  if (room > 0 && (it.scratch = malloc((size_t)room * sizeof(float))) == NULL) {
    report(env, error, "out of memory for decoding a packed batch");
    free(it.batches);
    return 0;
  }

  if (consume && !external) {
    consume_plan(&it, ref != 0, missing);
  }
  const char *cfg = (*env)->GetStringUTFChars(env, config, NULL);
  DMatrixHandle out = NULL;
  if (api.proxy_create(&it.proxy) != 0) {
    fail(&it, "creating the proxy matrix");
  } else {
    int rc = (external ? api.extmem_create : api.quantile_create)(
        &it, it.proxy, (DataIterHandle)(uintptr_t)ref, reset_batches, next_batch, cfg, &out);
    if (rc != 0) {
      fail(&it, "building the quantile matrix");
    }
    /* The quantile matrix copies what it needs; the proxy only referenced the batches. */
    api.free_matrix(it.proxy);
  }
  (*env)->ReleaseStringUTFChars(env, config, cfg);
  free(it.batches);
  free(it.consumed);
  free(it.scratch);
  if (stats != NULL) {
    jlong s[2] = {it.pass, it.consume_from};
    (*env)->SetLongArrayRegion(env, stats, 0, 2, s);
  }
  if (it.failed) {
    if (out != NULL) {
      api.free_matrix(out);
    }
    report(env, error, it.error);
    return 0;
  }
  return (jlong)(uintptr_t)out;
}

JNIEXPORT jlong JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_createQuantile(
    JNIEnv *env, jclass cls, jobjectArray labels, jobjectArray weights, jobjectArray values,
    jintArray packing, jobjectArray indptr, jobjectArray indices, jintArray rows, jintArray columns, jlong features,
    jstring config, jlong ref, jboolean consume, jfloat missing, jlongArray stats, jobjectArray error) {
  (void)cls;
  return create(env, labels, weights, values, packing, indptr, indices, rows, columns, features, config, ref,
                error, 0, consume, missing, stats);
}

/*
 * Builds an external-memory QuantileDMatrix (XGExtMemQuantileDMatrixCreateFromCallback, XGBoost
 * 3.0+): the same batches, but XGBoost writes its histogram pages to files under the config's
 * cache_prefix and reads them back page by page at every round instead of keeping them in memory.
 * The batches must be read-only file mappings (the container's spill cache): each is dropped from
 * the resident set once XGBoost has consumed it. The iterator is not called after this returns:
 * the matrix reads only its own cache.
 */
JNIEXPORT jlong JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_createExternal(
    JNIEnv *env, jclass cls, jobjectArray labels, jobjectArray weights, jobjectArray values,
    jobjectArray indptr, jobjectArray indices, jintArray rows, jintArray columns, jlong features,
    jstring config, jlong ref, jobjectArray error) {
  (void)cls;
  return create(env, labels, weights, values, NULL, indptr, indices, rows, columns, features, config, ref,
                error, 1, 0, NAN, NULL);
}

/* The column count of any DMatrix handle from this library, or -1 with error[0] set. */
JNIEXPORT jlong JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_columns(
    JNIEnv *env, jclass cls, jlong handle, jobjectArray error) {
  (void)cls;
  bst_ulong n = 0;
  if (api.num_col((DMatrixHandle)(uintptr_t)handle, &n) != 0) {
    report(env, error, api.get_last_error());
    return -1;
  }
  return (jlong)n;
}

/*
 * Feature importance of a serialised model, computed by XGBoost itself (XGBoosterFeatureScore, what
 * the Python package's get_score calls) instead of from a text dump. The model is loaded once into a
 * booster of its own, so no xgboost4j internals are touched, and scored once per config. For config
 * i, on success features[i] holds the names of the features that have a score, scores[i] their
 * scores (row-major, shape [features, per_feature]) and per_feature[i] the scores per name; where
 * XGBoost refuses the config (an importance type the booster does not have) per_feature[i] is -1.
 * Returns 0, or -1 with error[0] set when the model does not load.
 */
JNIEXPORT jint JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_featureScores(
    JNIEnv *env, jclass cls, jbyteArray model, jobjectArray configs, jobjectArray out_features,
    jobjectArray out_scores, jintArray per_feature, jobjectArray error) {
  (void)cls;
  BoosterHandle booster = NULL;
  if (api.booster_create(NULL, 0, &booster) != 0) {
    report(env, error, api.get_last_error());
    return -1;
  }
  jsize length = (*env)->GetArrayLength(env, model);
  jbyte *bytes = (*env)->GetByteArrayElements(env, model, NULL);
  int rc = api.booster_load_buffer(booster, bytes, (bst_ulong)length);
  (*env)->ReleaseByteArrayElements(env, model, bytes, JNI_ABORT);
  if (rc != 0) {
    report(env, error, api.get_last_error());
    api.booster_free(booster);
    return -1;
  }
  jclass string = (*env)->FindClass(env, "java/lang/String");
  jsize count = (*env)->GetArrayLength(env, configs);
  for (jsize c = 0; c < count; c++) {
    jint result = -1;
    jstring config = (*env)->GetObjectArrayElement(env, configs, c);
    const char *cfg = (*env)->GetStringUTFChars(env, config, NULL);
    bst_ulong n_features = 0, dim = 0;
    const char **features = NULL;
    const bst_ulong *shape = NULL;
    const float *scores = NULL;
    rc = api.feature_score(booster, cfg, &n_features, &features, &dim, &shape, &scores);
    (*env)->ReleaseStringUTFChars(env, config, cfg);
    (*env)->DeleteLocalRef(env, config);
    if (rc == 0) {
      /* The outputs belong to the booster and the next call reuses them: copy them now. */
      bst_ulong total = dim == 0 ? 0 : 1;
      for (bst_ulong i = 0; i < dim; i++) {
        total *= shape[i];
      }
      jobjectArray names = (*env)->NewObjectArray(env, (jsize)n_features, string, NULL);
      jfloatArray values = (*env)->NewFloatArray(env, (jsize)total);
      if (names == NULL || values == NULL) {
        api.booster_free(booster);
        return -1; /* OutOfMemoryError is pending */
      }
      for (bst_ulong i = 0; i < n_features; i++) {
        jstring name = (*env)->NewStringUTF(env, features[i]);
        (*env)->SetObjectArrayElement(env, names, (jsize)i, name);
        (*env)->DeleteLocalRef(env, name);
      }
      (*env)->SetFloatArrayRegion(env, values, 0, (jsize)total, scores);
      (*env)->SetObjectArrayElement(env, out_features, c, names);
      (*env)->SetObjectArrayElement(env, out_scores, c, values);
      (*env)->DeleteLocalRef(env, names);
      (*env)->DeleteLocalRef(env, values);
      result = n_features == 0 ? 1 : (jint)(total / n_features);
    }
    (*env)->SetIntArrayRegion(env, per_feature, c, 1, &result);
  }
  api.booster_free(booster);
  return 0;
}

/*
 * The first `rounds` boosting rounds of a serialised model, as UBJSON: XGBoosterSlice, what the
 * Python package's booster[:n] (and so EarlyStopping(save_best=True)) calls; xgboost4j has no slice.
 * The attributes travel with the slice. Returns the bytes, or null with error[0] set (a booster that
 * cannot be sliced, such as gblinear, or a model that does not load).
 */
JNIEXPORT jbyteArray JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_sliceModel(
    JNIEnv *env, jclass cls, jbyteArray model, jint rounds, jobjectArray error) {
  (void)cls;
  BoosterHandle booster = NULL;
  BoosterHandle slice = NULL;
  jbyteArray result = NULL;
  if (api.booster_create(NULL, 0, &booster) != 0) {
    report(env, error, api.get_last_error());
    return NULL;
  }
  jsize length = (*env)->GetArrayLength(env, model);
  jbyte *bytes = (*env)->GetByteArrayElements(env, model, NULL);
  int rc = api.booster_load_buffer(booster, bytes, (bst_ulong)length);
  (*env)->ReleaseByteArrayElements(env, model, bytes, JNI_ABORT);
  if (rc == 0) {
    rc = api.booster_slice(booster, 0, rounds, 1, &slice);
  }
  if (rc == 0) {
    bst_ulong size = 0;
    const char *data = NULL;
    rc = api.booster_save_buffer(slice, "{\"format\": \"ubj\"}", &size, &data);
    if (rc == 0) {
      result = (*env)->NewByteArray(env, (jsize)size);
      if (result != NULL) {
        (*env)->SetByteArrayRegion(env, result, 0, (jsize)size, (const jbyte *)data);
      }
    }
  }
  if (rc != 0) {
    report(env, error, api.get_last_error());
  }
  if (slice != NULL) {
    api.booster_free(slice);
  }
  api.booster_free(booster);
  return result;
}

/*
 * The live booster's configuration as XGBoost saves it (XGBoosterSaveJsonConfig): every parameter in
 * effect, the defaults XGBoost chose and the estimated base_score included. xgboost4j has no such
 * call; the model file holds only the model's own parameters. The handle is xgboost4j's Booster's,
 * valid while that Booster is. Returns the JSON text, or null with error[0] set.
 */
JNIEXPORT jstring JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_boosterConfig(
    JNIEnv *env, jclass cls, jlong handle, jobjectArray error) {
  (void)cls;
  bst_ulong length = 0;
  const char *json = NULL;
  if (api.save_json_config((BoosterHandle)(intptr_t)handle, &length, &json) != 0) {
    report(env, error, api.get_last_error());
    return NULL;
  }
  /* ASCII JSON (XGBoost escapes the rest), so modified UTF-8 reads it as it is */
  return (*env)->NewStringUTF(env, json);
}

/* How the loaded library was built (XGBuildInfo: USE_CUDA, CUDA_VERSION, ...), as JSON; null on error. */
JNIEXPORT jstring JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_buildInfo(JNIEnv *env,
                                                                                  jclass cls) {
  (void)cls;
  const char *out = NULL;
  if (api.build_info(&out) != 0 || out == NULL) {
    return NULL;
  }
  return (*env)->NewStringUTF(env, out);
}

/*
 * The NVIDIA GPUs this process can use, asked of the driver itself (libcuda.so.1, which the NVIDIA
 * container toolkit mounts into a container started with GPUs). XGBoost's CUDA build counts the same
 * GPUs (cudaGetDeviceCount) but, finding none, trains on the CPU with a warning; the container asks
 * first so that device=cuda without a GPU is an error that says what is missing.
 * Driver API followed: https://docs.nvidia.com/cuda/cuda-driver-api/ (cuInit, cuDriverGetVersion,
 * cuDeviceGetCount, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute, cuGetErrorName).
 * Returns the GPU count with names[i] and capabilities[i] (compute capability, 10 * major + minor)
 * set for each (up to names' length) and driver[0] the CUDA
 * version the driver supports (1000 * major + 10 * minor); -1 when libcuda.so.1 cannot be loaded,
 * -2 when a driver call fails; error[0] then says which and why.
 */
typedef int CUresult;
JNIEXPORT jint JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_cudaDevices(
    JNIEnv *env, jclass cls, jobjectArray names, jintArray capabilities, jintArray driver,
    jobjectArray error) {
  (void)cls;
  char msg[512];
  void *cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (cuda == NULL) {
    const char *why = dlerror();
    report(env, error, why == NULL ? "libcuda.so.1 cannot be loaded" : why);
    return -1;
  }
  CUresult (*cu_init)(unsigned int);
  CUresult (*cu_driver_version)(int *);
  CUresult (*cu_count)(int *);
  CUresult (*cu_get)(int *, int);
  CUresult (*cu_name)(char *, int, int);
  CUresult (*cu_attribute)(int *, int, int);
  CUresult (*cu_error_name)(CUresult, const char **);
  *(void **)(&cu_init) = dlsym(cuda, "cuInit");
  *(void **)(&cu_driver_version) = dlsym(cuda, "cuDriverGetVersion");
  *(void **)(&cu_count) = dlsym(cuda, "cuDeviceGetCount");
  *(void **)(&cu_get) = dlsym(cuda, "cuDeviceGet");
  *(void **)(&cu_name) = dlsym(cuda, "cuDeviceGetName");
  *(void **)(&cu_attribute) = dlsym(cuda, "cuDeviceGetAttribute");
  *(void **)(&cu_error_name) = dlsym(cuda, "cuGetErrorName");
  if (cu_init == NULL || cu_driver_version == NULL || cu_count == NULL || cu_get == NULL
      || cu_name == NULL || cu_attribute == NULL) {
    report(env, error, "libcuda.so.1 lacks the CUDA driver API (cuInit, cuDeviceGetCount, ...)");
    return -2;
  }
  /* The library stays loaded: XGBoost's CUDA runtime opens the same one. */
  int version = 0, count = 0, device = 0;
  const char *call = "cuInit";
  CUresult rc = cu_init(0);
  if (rc == 0) {
    call = "cuDriverGetVersion";
    rc = cu_driver_version(&version);
  }
  if (rc == 0) {
    call = "cuDeviceGetCount";
    rc = cu_count(&count);
  }
  jsize slots = (*env)->GetArrayLength(env, names);
  for (int i = 0; rc == 0 && i < count && i < slots; i++) {
    char name[256] = {0};
    call = "cuDeviceGet";
    rc = cu_get(&device, i);
    if (rc == 0) {
      call = "cuDeviceGetName";
      rc = cu_name(name, (int)sizeof name, device);
    }
    /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR (75) and _MINOR (76) */
    int major = 0, minor = 0;
    if (rc == 0) {
      call = "cuDeviceGetAttribute";
      rc = cu_attribute(&major, 75, device);
    }
    if (rc == 0) {
      rc = cu_attribute(&minor, 76, device);
    }
    if (rc == 0) {
      jint capability = 10 * major + minor;
      (*env)->SetIntArrayRegion(env, capabilities, i, 1, &capability);
      jstring s = (*env)->NewStringUTF(env, name);
      (*env)->SetObjectArrayElement(env, names, i, s);
      (*env)->DeleteLocalRef(env, s);
    }
  }
  if (rc != 0) {
    const char *text = NULL;
    if (cu_error_name == NULL || cu_error_name(rc, &text) != 0 || text == NULL) {
      text = "unknown error";
    }
    snprintf(msg, sizeof msg, "%s: %s (%d)", call, text, rc);
    report(env, error, msg);
    return -2;
  }
  jint v = version;
  (*env)->SetIntArrayRegion(env, driver, 0, 1, &v);
  return count;
}

/*
 * In-place prediction through a proxy DMatrix kept per thread. xgboost4j's inplace_predict passes no
 * proxy, so XGBoost makes a new one for every call, and each new one builds a Context, which reads
 * the cgroup's CPU quota files (open, fstat, read, close): on a one-row request that was about half
 * of the native time (async-profiler under wrk). A thread's proxy is made on its first prediction
 * and freed when the thread ends; it holds no data between calls (each call points it at new rows).
 */
static pthread_key_t proxy_key;
static pthread_once_t proxy_once = PTHREAD_ONCE_INIT;

static void free_proxy(void *proxy) {
  if (proxy != NULL) {
    api.free_matrix(proxy);
  }
}

static void make_proxy_key(void) {
  pthread_key_create(&proxy_key, free_proxy);
}

static DMatrixHandle thread_proxy(void) {
  pthread_once(&proxy_once, make_proxy_key);
  DMatrixHandle proxy = pthread_getspecific(proxy_key);
  if (proxy == NULL) {
    if (api.proxy_create(&proxy) != 0) {
      return NULL;
    }
    pthread_setspecific(proxy_key, proxy);
  }
  return proxy;
}

/* The answer as one float array (rows times outputs per row), or null with error[0] set. */
static jfloatArray prediction(JNIEnv *env, int status, const bst_ulong *shape, bst_ulong dim,
                              const float *result, jobjectArray error) {
  if (status != 0) {
    report(env, error, api.get_last_error());
    return NULL;
  }
  bst_ulong length = 1;
  for (bst_ulong i = 0; i < dim; i++) {
    length *= shape[i];
  }
  jfloatArray out = (*env)->NewFloatArray(env, (jsize)length);
  if (out != NULL) {
    (*env)->SetFloatArrayRegion(env, out, 0, (jsize)length, result);
  }
  return out;
}

#define PREDICT_CONFIG                                                                         \
  "{\"type\":%d,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"                 \
  "\"strict_shape\":false,\"missing\":NaN}"

/*
 * Predicts dense rows (row-major, NaN missing) with every tree: XGBoosterPredictFromDense, what
 * xgboost4j's inplace_predict calls, through this thread's proxy. margin: the untransformed margin.
 * The handle is xgboost4j's Booster's, valid while that Booster is.
 */
JNIEXPORT jfloatArray JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_predictDense(
    JNIEnv *env, jclass cls, jlong booster, jfloatArray values, jint rows, jint columns,
    jboolean margin, jobjectArray error) {
  (void)cls;
  DMatrixHandle proxy = thread_proxy();
  if (proxy == NULL) {
    report(env, error, api.get_last_error());
    return NULL;
  }
  jfloat *data = (*env)->GetFloatArrayElements(env, values, NULL);
  if (data == NULL) {
    return NULL; /* OutOfMemoryError pending */
  }
  char array[256], config[256];
  snprintf(array, sizeof array,
           "{\"data\":[%llu,true],\"shape\":[%d,%d],\"typestr\":\"" ENDIAN "f4\",\"version\":3}",
           (unsigned long long)(uintptr_t)data, rows, columns);
  snprintf(config, sizeof config, PREDICT_CONFIG, margin ? 1 : 0);
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0;
  const float *result = NULL;
  int status = api.predict_dense((BoosterHandle)(intptr_t)booster, array, config, proxy, &shape, &dim,
                                 &result);
  (*env)->ReleaseFloatArrayElements(env, values, data, JNI_ABORT);
  return prediction(env, status, shape, dim, result, error);
}

/*
 * Predicts CSR rows (indptr rows + 1 longs, indices ints below columns) with every tree:
 * XGBoosterPredictFromCSR through this thread's proxy, so sparse rows need no DMatrix either.
 */
JNIEXPORT jfloatArray JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_predictCsr(
    JNIEnv *env, jclass cls, jlong booster, jlongArray indptr, jintArray indices, jfloatArray values,
    jlong columns, jboolean margin, jobjectArray error) {
  (void)cls;
  DMatrixHandle proxy = thread_proxy();
  if (proxy == NULL) {
    report(env, error, api.get_last_error());
    return NULL;
  }
  jsize rows = (*env)->GetArrayLength(env, indptr) - 1;
  jsize nnz = (*env)->GetArrayLength(env, values);
  jlong *p = (*env)->GetLongArrayElements(env, indptr, NULL);
  jint *i = p == NULL ? NULL : (*env)->GetIntArrayElements(env, indices, NULL);
  jfloat *v = i == NULL ? NULL : (*env)->GetFloatArrayElements(env, values, NULL);
  if (v == NULL) {
    if (i != NULL) {
      (*env)->ReleaseIntArrayElements(env, indices, i, JNI_ABORT);
    }
    if (p != NULL) {
      (*env)->ReleaseLongArrayElements(env, indptr, p, JNI_ABORT);
    }
    return NULL; /* OutOfMemoryError pending */
  }
  char a[256], b[256], c[256], config[256];
  array_json(a, sizeof a, p, (long long)rows + 1, "i8");
  array_json(b, sizeof b, i, nnz, "i4");
  array_json(c, sizeof c, v, nnz, "f4");
  snprintf(config, sizeof config, PREDICT_CONFIG, margin ? 1 : 0);
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0;
  const float *result = NULL;
  int status = api.predict_csr((BoosterHandle)(intptr_t)booster, a, b, c, (bst_ulong)columns, config, proxy,
                               &shape, &dim, &result);
  (*env)->ReleaseFloatArrayElements(env, values, v, JNI_ABORT);
  (*env)->ReleaseIntArrayElements(env, indices, i, JNI_ABORT);
  (*env)->ReleaseLongArrayElements(env, indptr, p, JNI_ABORT);
  return prediction(env, status, shape, dim, result, error);
}

/*
 * Predicts a whole DMatrix with every tree (XGBoosterPredictFromDMatrix) into one float array, rows
 * times outputs per row, with shape[0] = rows and shape[1] = outputs per row. xgboost4j's predict
 * answers float[][], a Java array per row: for a million rows about 24 MB of heap where the values
 * take 4 MB, and it fails a small heap after the last round. The booster's prediction cache for the
 * matrix is used as xgboost4j's call uses it, so the values are the same. margin: the untransformed
 * margin. Both handles are xgboost4j's, valid while their objects are. Returns the array, or null
 * with error[0] set.
 */
JNIEXPORT jfloatArray JNICALL Java_io_github_xgbcontainer_matrix_NativeShim_predictMatrix(
    JNIEnv *env, jclass cls, jlong booster, jlong matrix, jboolean margin, jlongArray out_shape,
    jobjectArray error) {
  (void)cls;
  char config[256];
  snprintf(config, sizeof config,
           "{\"type\":%d,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
           "\"strict_shape\":false}",
           margin ? 1 : 0);
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0;
  const float *result = NULL;
  if (api.predict_dmatrix((BoosterHandle)(intptr_t)booster, (DMatrixHandle)(intptr_t)matrix, config, &shape,
                          &dim, &result) != 0) {
    report(env, error, api.get_last_error());
    return NULL;
  }
  /* strict_shape false: (rows) for one output per row, (rows, outputs) for several */
  jlong rows = dim == 0 ? 0 : (jlong)shape[0];
  jlong columns = 1;
  for (bst_ulong i = 1; i < dim; i++) {
    columns *= (jlong)shape[i];
  }
  if (rows * columns > 0x7fffffffL - 8) {
    char msg[160];
    snprintf(msg, sizeof msg, "%lld rows of %lld outputs are more than one Java array holds",
             (long long)rows, (long long)columns);
    report(env, error, msg);
    return NULL;
  }
  jlong dims[2] = {rows, columns};
  (*env)->SetLongArrayRegion(env, out_shape, 0, 2, dims);
  jfloatArray out = (*env)->NewFloatArray(env, (jsize)(rows * columns));
  if (out != NULL) {
    (*env)->SetFloatArrayRegion(env, out, 0, (jsize)(rows * columns), result);
  }
  return out; /* null: OutOfMemoryError pending */
}
