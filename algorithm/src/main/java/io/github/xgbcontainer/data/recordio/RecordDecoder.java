package io.github.xgbcontainer.data.recordio;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Float32Tensor;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Record;
import io.github.xgbcontainer.data.recordio.proto.RecordProtos.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes one {@code aialgs.data.Record} straight into reusable arrays, with the field numbers of
 * the classes generated from {@code record.proto}: the generated message objects (maps, boxed
 * lists) cost about a kilobyte of garbage a row, which at a million rows made the Java heap, and so
 * the resident set, grow to three times the CSV path's. Semantics follow protobuf's: the last map
 * entry and the last oneof case win, repeated fields may be packed or not, unknown fields are
 * skipped.
 */
final class RecordDecoder {

  private static final byte[] VALUES = "values".getBytes(StandardCharsets.UTF_8);
  private static final int NOT_SET = 0;
  private static final int NUMBERS = 1;
  private static final int BYTES = 2;

  /** One decoded tensor; arrays are reused from record to record. */
  static final class Slot {
    int kind;
    float[] values = new float[64];
    int count;
    long[] keys = new long[64];
    int keyCount;
    long[] shape = new long[4];
    int shapeCount;

    void reset() {
      kind = NOT_SET;
      count = 0;
      keyCount = 0;
      shapeCount = 0;
    }

    boolean present() {
      return kind != NOT_SET || count > 0 || keyCount > 0 || shapeCount > 0;
    }

    boolean isBytes() {
      return kind == BYTES;
    }

    void value(float v) {
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
      }
      values[count++] = v;
    }

    void key(long k) {
      if (keyCount == keys.length) {
        keys = Arrays.copyOf(keys, keyCount * 2);
      }
      keys[keyCount++] = k;
    }

    void dim(long d) {
      if (shapeCount == shape.length) {
        shape = Arrays.copyOf(shape, shapeCount * 2);
      }
      shape[shapeCount++] = d;
    }
  }

  final Slot features = new Slot();
  final Slot label = new Slot();
  boolean hasFeatures;
  boolean hasLabel;
  private Slot scratch = new Slot();
  /** The record being decoded, whose bytes {@link #mapEntry} compares keys in. */
  private byte[] buffer;

  /** Decodes a record; {@link #features} and {@link #label} hold its {@code "values"} tensors. */
  void decode(byte[] buffer, int length) throws IOException {
    hasFeatures = false;
    hasLabel = false;
    features.reset();
    label.reset();
    this.buffer = buffer;
    CodedInputStream in = CodedInputStream.newInstance(buffer, 0, length);
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      boolean isLen = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      if (isLen && (field == Record.FEATURES_FIELD_NUMBER || field == Record.LABEL_FIELD_NUMBER)) {
        int limit = in.pushLimit(in.readRawVarint32());
        boolean isValues = mapEntry(in);
        in.popLimit(limit);
        if (isValues) {
          Slot target = field == Record.FEATURES_FIELD_NUMBER ? features : label;
          copy(scratch, target);
          if (field == Record.FEATURES_FIELD_NUMBER) {
            hasFeatures = true;
          } else {
            hasLabel = true;
          }
        }
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  /** Reads one map entry into {@link #scratch}; whether its key is {@code "values"}. */
  private boolean mapEntry(CodedInputStream in) throws IOException {
    scratch.reset();
    boolean isValues = false; // a missing key is the empty string
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return isValues;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int type = WireFormat.getTagWireType(tag);
      if (field == 1 && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        // compared where it lies, not copied out: a key a row is garbage a million times over
        int size = in.readRawVarint32();
        int at = in.getTotalBytesRead();
        isValues = size == VALUES.length && size <= in.getBytesUntilLimit()
            && Arrays.equals(buffer, at, at + size, VALUES, 0, size);
        in.skipRawBytes(size);
      } else if (field == 2 && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = in.pushLimit(in.readRawVarint32());
        value(in);
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        return isValues;
      }
    }
  }

  private void value(CodedInputStream in) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      boolean isLen = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      if (isLen && (field == Value.FLOAT32_TENSOR_FIELD_NUMBER || field == Value.FLOAT64_TENSOR_FIELD_NUMBER
          || field == Value.INT32_TENSOR_FIELD_NUMBER)) {
        scratch.reset(); // a later oneof case replaces an earlier one
        scratch.kind = NUMBERS;
        int limit = in.pushLimit(in.readRawVarint32());
        tensor(in, field);
        in.popLimit(limit);
      } else if (isLen && field == Value.BYTES_FIELD_NUMBER) {
        scratch.reset();
        scratch.kind = BYTES;
        in.skipField(tag);
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  private void tensor(CodedInputStream in, int kind) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      int type = WireFormat.getTagWireType(tag);
      boolean packed = type == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      if (field == Float32Tensor.VALUES_FIELD_NUMBER && (packed || type == elementWireType(kind))) {
        if (packed) {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            scratch.value(element(in, kind));
          }
          in.popLimit(limit);
        } else {
          scratch.value(element(in, kind));
        }
      } else if ((field == Float32Tensor.KEYS_FIELD_NUMBER || field == Float32Tensor.SHAPE_FIELD_NUMBER)
          && (packed || type == WireFormat.WIRETYPE_VARINT)) {
        boolean keys = field == Float32Tensor.KEYS_FIELD_NUMBER;
        if (packed) {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            add(keys, in.readUInt64());
          }
          in.popLimit(limit);
        } else {
          add(keys, in.readUInt64());
        }
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  private void add(boolean keys, long v) {
    if (keys) {
      scratch.key(v);
    } else {
      scratch.dim(v);
    }
  }

  private static int elementWireType(int kind) {
    return switch (kind) {
      case Value.FLOAT32_TENSOR_FIELD_NUMBER -> WireFormat.WIRETYPE_FIXED32;
      case Value.FLOAT64_TENSOR_FIELD_NUMBER -> WireFormat.WIRETYPE_FIXED64;
      default -> WireFormat.WIRETYPE_VARINT;
    };
  }

  private static float element(CodedInputStream in, int kind) throws IOException {
    return switch (kind) {
      case Value.FLOAT32_TENSOR_FIELD_NUMBER -> in.readFloat();
      case Value.FLOAT64_TENSOR_FIELD_NUMBER -> (float) in.readDouble();
      default -> in.readInt32();
    };
  }

  private static void copy(Slot from, Slot to) {
    to.reset();
    to.kind = from.kind;
    for (int i = 0; i < from.count; i++) {
      to.value(from.values[i]);
    }
    for (int i = 0; i < from.keyCount; i++) {
      to.key(from.keys[i]);
    }
    for (int i = 0; i < from.shapeCount; i++) {
      to.dim(from.shape[i]);
    }
  }
}
