package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class KeepPropertiesTest {
    @Property(tries = 60)
    void anyValidRemoteRoundTrips(@ForAll("remotes") RemoteEstateData remote) throws IOException {
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

    @Provide
    Arbitrary<RemoteEstateData> remotes() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('!', '~').withChars("éß中")
                .ofMinLength(1).ofMaxLength(40).filter(KeepNames::isValid);
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars("\u00e9\n\"\\")
                .ofMaxLength(30);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xffffffffL);
        Arbitrary<String> hosts = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30);
        Arbitrary<HostPort> ha = Combinators.combine(hosts, Arbitraries.integers().between(0, 65535))
                .as(HostPort::new);
        Arbitrary<Boolean> tri = Arbitraries.of(Boolean.TRUE, Boolean.FALSE).injectNull(0.3);
        return Combinators.combine(names, u32, u32, ha, ha.injectNull(0.5), tri, text, tri)
                .flatAs((name, uid, fuid, h, iha, natted, fqdn, dyned) -> Combinators.combine(
                                u32, Arbitraries.of(true, false), Arbitraries.integers().between(0, 255), tri, names)
                        .as((sid, main, kind, joined, role) -> new RemoteEstateData(
                                name, uid, fuid, h, iha, natted, fqdn, dyned, sid, main, kind, joined, role)));
    }
}
