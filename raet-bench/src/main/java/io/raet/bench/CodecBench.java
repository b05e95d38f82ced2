package io.raet.bench;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.crypto.SigningKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Codec hot paths without crypto cost dominating: head build/parse, JSON and msgpack bodies. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class CodecBench {
    RoadHead head;
    byte[] coat;
    byte[] unsigned;
    Map<String, Object> body;
    byte[] json;
    byte[] msgpack;

    @Setup
    public void setup() throws PacketException {
        head = new RoadHead().se(2).de(2).si(2).ti(4).bk(BodyKind.JSON).ck(CoatKind.NACL).fk(FootKind.NADA).wf(true);
        coat = new byte[140];
        unsigned = RoadCodec.encode(head, coat, null, RoadCodec.MAX_PACKET_SIZE);
        body = new LinkedHashMap<>();
        body.put("subject", "bench");
        body.put("content", "x".repeat(100));
        body.put("n", 42L);
        json = Body.encode(BodyKind.JSON, body);
        msgpack = Body.encode(BodyKind.MSGPACK, body);
    }

    @Benchmark
    public byte[] encodeHead() throws PacketException {
        return RoadCodec.encode(head, coat, null, RoadCodec.MAX_PACKET_SIZE);
    }

    @Benchmark
    public ParsedPacket parseHead() throws PacketException {
        return RoadCodec.parse(unsigned, 0, unsigned.length);
    }

    @Benchmark
    public byte[] encodeJson() throws PacketException {
        return Body.encode(BodyKind.JSON, body);
    }

    @Benchmark
    public Object decodeJson() throws PacketException {
        return Body.decode(BodyKind.JSON, json, 0, json.length);
    }

    @Benchmark
    public byte[] encodeMsgpack() throws PacketException {
        return Body.encode(BodyKind.MSGPACK, body);
    }

    @Benchmark
    public Object decodeMsgpack() throws PacketException {
        return Body.decode(BodyKind.MSGPACK, msgpack, 0, msgpack.length);
    }
}
