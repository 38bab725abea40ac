#!/usr/bin/env python3
"""Writes the seed bodies of RequestReaderFuzzTest's targets (run from this folder)."""
import struct


def varint(n):
    out = b''
    while n >= 0x80:
        out += bytes([n & 0x7f | 0x80])
        n >>= 7
    return out + bytes([n])


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def record(values, keys=None, shape=None):
    """One RecordIO frame of an aialgs Record with a float32 features['values'] tensor."""
    tensor = field(1, b''.join(struct.pack('<f', v) for v in values))
    if keys is not None:
        tensor += field(2, b''.join(varint(k) for k in keys))
    if shape is not None:
        tensor += field(3, b''.join(varint(k) for k in shape))
    body = field(1, field(1, b'values') + field(2, field(2, tensor)))
    return struct.pack('<II', 0xCED7230A, len(body)) + body + b'\0' * ((4 - len(body) % 4) % 4)


seeds = {
    'csvRequest/rows': b'1.5,2,,nan\n3,4,5,6\n',
    'libsvmRequest/rows': b'0 0:1.5 3:2\n1:nan 2:-1e30 # note\n',
    'jsonRequest/instances': b'{"instances":[{"features":[1.5,null,"2",3]},[1,2,3,4]]}',
    'jsonLinesRequest/rows': b'[1,2,3,4]\n{"features":[1,"nan",3,4]}\n',
    'recordIoProtobufRequest/dense-then-sparse': record([1.5, 2, 3, 4]) + record([1, 2], [0, 3], [4]),
}
for path, data in seeds.items():
    with open(path, 'wb') as f:
        f.write(data)
