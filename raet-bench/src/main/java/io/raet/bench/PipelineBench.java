package io.raet.bench;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SharedKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import io.raet.road.RoadLimits;
import io.raet.road.core.RoadEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiving side of one small message, stage by stage, as a receiving estate runs it: what each way of using
 * several cores would run in parallel and what it would leave on one thread.
 *
 * <ul>
 *   <li>{@code receiveMessage}: the whole of it on today's single owner (parse, verify, open, decode, the message's
 *       transaction, the signed {@code done} answer), one fresh message packet each time;
 *   <li>its parts: {@code peekDestination} (what a sharded driver's reader does before handing a datagram to the
 *       owner of its remote), {@code parse}, {@code verify}, {@code open}, {@code decode}, {@code encodeDone}
 *       (the answer without its signature) and {@code signDone} (with it);
 *   <li>{@code handoff}: one datagram through a lock-free queue (offer and poll on one thread: the least a hand-over
 *       between threads costs, before any wake-up).
 * </ul>
 * A parallel crypto pool takes verify and sign off the engine thread and leaves the rest on it; sharding leaves
 * only the reader's peek and hand-over on one thread. See docs/performance.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PipelineBench {
    /** Fresh message packets made per iteration: more than an iteration of receiveMessage takes. */
    private static final int PACKETS = 30_000;

    RoadEngine alpha;
    RoadEngine beta;
    long now = 1_000_000_000L;
    final Map<String, Object> body = Map.of("content", "x".repeat(100));

    byte[] sample;
    ParsedPacket parsed;
    VerifyKey betaKey;
    SharedKey session;
    byte[] coat;
    byte[] encoded;
    RoadHead done;
    SigningKey signer;
    final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();

    private List<byte[]> fresh = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setup() throws PacketException {
        alpha = EngineBench.engine("alpha", 7540, true);
        beta = EngineBench.engine("beta", 7541, false,
                RoadLimits.defaults().withMaxOutgoingPerRemote(Integer.MAX_VALUE));
        EngineBench.allow(alpha, beta, now);
        beta.send("alpha", body, null, now);
        sample = beta.pollOutgoing().data();
        alpha.receive(sample, 0, sample.length, beta.local().ha(), now);
        EngineBench.pump(alpha, beta, now);
        parsed = RoadCodec.parse(sample, 0, sample.length);
        betaKey = beta.local().signer().verifyKey();
        BoxKeyPair a = BoxKeyPair.generate();
        session = a.sharedKey(BoxKeyPair.generate().publicKey());
        encoded = Body.encode(BodyKind.JSON, body);
        coat = Coat.seal(CoatKind.NACL, session, encoded, io.raet.crypto.Entropy.system());
        RoadHead h = parsed.head();
        done = new RoadHead().hk(h.hk()).pk(PacketKind.DONE).tk(h.tk()).se(h.de()).de(h.se()).si(h.si())
                .ti(h.ti()).cf(true).bk(h.bk()).ck(h.ck()).fk(FootKind.NACL);
        signer = alpha.local().signer();
    }

    /** Fresh packets: the receiver refuses a message it already has. */
    @Setup(Level.Iteration)
    public void packets() {
        fresh = new ArrayList<>(PACKETS);
        next = 0;
        for (int i = 0; i < PACKETS; i++) {
            beta.send("alpha", body, null, now);
            fresh.add(beta.pollOutgoing().data());
        }
    }

    @Benchmark
    public Object receiveMessage() {
        if (next == fresh.size()) {
            throw new IllegalStateException("more operations than fresh packets: raise PACKETS");
        }
        byte[] p = fresh.get(next++);
        alpha.receive(p, 0, p.length, beta.local().ha(), now);
        Object o = alpha.pollOutgoing();
        while (alpha.pollEvent() != null) { }
        return o;
    }

    @Benchmark
    public long peekDestination() {
        return RoadCodec.peekDestination(sample, 0, sample.length);
    }

    @Benchmark
    public ParsedPacket parse() throws PacketException {
        return RoadCodec.parse(sample, 0, sample.length);
    }

    @Benchmark
    public boolean verify() {
        return parsed.verify(betaKey);
    }

    @Benchmark
    public byte[] open() throws PacketException {
        return Coat.open(CoatKind.NACL, session, coat, 0, coat.length);
    }

    @Benchmark
    public Object decode() throws PacketException {
        return Body.decode(BodyKind.JSON, encoded, 0, encoded.length);
    }

    @Benchmark
    public byte[] encodeDone() throws PacketException {
        return RoadCodec.encode(done.copy().fk(FootKind.NADA), new byte[0], null, RoadCodec.MAX_PACKET_SIZE);
    }

    @Benchmark
    public byte[] signDone() throws PacketException {
        return RoadCodec.encode(done.copy(), new byte[0], signer, RoadCodec.MAX_PACKET_SIZE);
    }

    @Benchmark
    public byte[] handoff() {
        queue.offer(sample);
        return queue.poll();
    }
}
