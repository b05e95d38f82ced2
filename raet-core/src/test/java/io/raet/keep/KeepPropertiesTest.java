package io.raet.keep;

import static io.raet.Quick.qt;
import static io.raet.Quick.unchecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class KeepPropertiesTest {
    @Test
    void anyValidRemoteRoundTrips() {
        qt(60).forAll(remotes()).checkAssert(unchecked(KeepPropertiesTest::anyValidRemoteRoundTrips));
    }

    private static void anyValidRemoteRoundTrips(RemoteEstateData remote) throws IOException {
        Path dir = Files.createTempDirectory("keep-prop");
        try {
            RoadKeep keep = new RoadKeep(dir);
            keep.dumpRemote(remote);
            assertThat(new RoadKeep(dir).loadRemote(remote.name())).contains(remote);
            RemoteLoad load = keep.loadRemotes();
            assertThat(load.problems()).isEmpty();
            assertThat(load.remotes()).containsExactly(remote);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The characters from {@code from} to {@code to}. */
    static String range(char from, char to) {
        StringBuilder sb = new StringBuilder();
        for (char c = from; c <= to; c++) {
            sb.append(c);
        }
        return sb.toString();
    }

    /** Strings of {@code min} to {@code max} characters of {@code alphabet}. */
    static Gen<String> strings(String alphabet, int min, int max) {
        List<Character> chars = alphabet.chars().mapToObj(c -> (char) c).toList();
        return lists().of(Generate.pick(chars)).ofSizeBetween(min, max).map(cs -> {
            StringBuilder sb = new StringBuilder(cs.size());
            cs.forEach(sb::append);
            return sb.toString();
        });
    }

    /** {@code gen}, or null in {@code percentNull} percent of the cases. */
    static <T> Gen<T> orNull(Gen<T> gen, int percentNull) {
        return Generate.frequency(Pair.of(100 - percentNull, gen),
                Pair.of(percentNull, Generate.constant(() -> null)));
    }

    static Gen<RemoteEstateData> remotes() {
        // printable ASCII without the path separators (never valid), and a few non-ASCII letters; names that are
        // still invalid (containing "..") are filtered out
        Gen<String> names = strings(range('!', '~').replace("/", "").replace("\\", "") + "éß中", 1, 40)
                .assuming(KeepNames::isValid);
        Gen<String> text = strings(range(' ', '~') + "\u00e9\n\"\\", 0, 30);
        Gen<Long> u32 = longs().between(0, 0xffffffffL);
        Gen<String> hosts = strings(range(' ', '~'), 0, 30);
        Gen<HostPort> ha = hosts.zip(integers().between(0, 65535), HostPort::new);
        Gen<Boolean> tri = orNull(Generate.booleans(), 30);
        Gen<HostPort> iha = orNull(ha, 50);
        Gen<Integer> kind = integers().between(0, 255);
        Gen<RemoteEstateData> remotes = in -> new RemoteEstateData(names.generate(in), u32.generate(in),
                u32.generate(in), ha.generate(in), iha.generate(in), tri.generate(in), text.generate(in),
                tri.generate(in), u32.generate(in), Generate.booleans().generate(in), kind.generate(in),
                tri.generate(in), names.generate(in));
        return remotes.describedAs(RemoteEstateData::toString);
    }
}
