package io.raet.bench;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.RoadConfig;
import io.raet.road.core.LocalEstate;
import io.raet.road.core.MemoryRoadStore;
import io.raet.road.core.RoadEngine;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Heap bytes per idle remote: one engine with N joined remotes (kept keys, no traffic). */
public final class IdleRemotesMemory {
    static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        LocalEstate local = new LocalEstate("main", "main", true, 0, SigningKey.generate(), BoxKeyPair.generate(),
                new InetSocketAddress("127.0.0.1", 7530), "localhost", 1, 1);
        RoadEngine engine = new RoadEngine(local, RoadConfig.defaults().withAuto(AutoMode.ALWAYS)
                .withAliveInterval(Duration.ZERO), new MemoryRoadStore());
        SigningKey[] sk = new SigningKey[n];
        BoxKeyPair[] bk = new BoxKeyPair[n];
        for (int i = 0; i < n; i++) {
            sk[i] = SigningKey.generate();
            bk[i] = BoxKeyPair.generate();
        }
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            engine.restoreRemote("estate" + i, i + 2, 2, new InetSocketAddress("127.0.0.1", 10000 + (i % 50000)),
                    "role" + i, false, 0, "localhost", 1, true, sk[i].verifyKey(), bk[i].publicKey());
        }
        long after = usedAfterGc();
        System.out.printf("{\"remotes\":%d,\"bytes_per_remote\":%d}%n", n, (after - before) / n);
        if (engine.remotes().size() != n) {
            throw new IllegalStateException("remotes missing");
        }
    }
}
