package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keep files are byte-identical to the reference's {@code json.dump(data, f, indent=2)}. */
class KeepFormatTest {
    @TempDir
    Path dir;

    @Test
    void specExampleFilesAreByteExact() throws IOException {
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpRemote(Samples.OTHER);
        keep.dumpRemoteRole(Samples.OTHER_ROLE);
        keep.dumpLocal(Samples.MAIN);
        keep.dumpLocalRole(Samples.MAIN_ROLE);
        assertThat(Files.readString(dir.resolve("remote/estate.other.json"))).isEqualTo(Samples.OTHER_ESTATE_JSON);
        assertThat(Files.readString(dir.resolve("role/remote/role.other.json"))).isEqualTo(Samples.OTHER_ROLE_JSON);
        assertThat(Files.readString(dir.resolve("local/estate.json"))).isEqualTo(Samples.MAIN_ESTATE_JSON);
        assertThat(Files.readString(dir.resolve("role/local/role.json"))).isEqualTo(Samples.MAIN_ROLE_JSON);
    }

    @Test
    void stringsAreEscapedLikePythonEnsureAscii() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("a", "é\u0001\"\\/\t\n\r\b\f\u007f😀");
        m.put("b", java.util.List.of());
        m.put("c", java.util.Map.of());
        m.put("d", -5L);
        // python3 -c 'import json,sys; json.dump({...}, sys.stdout, indent=2)'
        assertThat(new String(PyJson.dump(m), StandardCharsets.US_ASCII)).isEqualTo("""
                {
                  "a": "\\u00e9\\u0001\\"\\\\/\\t\\n\\r\\b\\f\\u007f\\ud83d\\ude00",
                  "b": [],
                  "c": {},
                  "d": -5
                }""");
    }

    /** Reads files written by Python's json module (python3 when available, else the same text hardcoded). */
    @Test
    void readsFilesWrittenByPython() throws Exception {
        if (python()) {
            runPython(PY_WRITE, dir.toString());
        } else {
            write("remote/estate.other.json", Samples.OTHER_ESTATE_JSON);
            write("role/remote/role.other.json", Samples.OTHER_ROLE_JSON);
            write("local/estate.json", Samples.MAIN_ESTATE_JSON);
            write("role/local/role.json", Samples.MAIN_ROLE_JSON);
            write("remote/estate.caf\u00e9.json", CAFE_JSON);
        }
        RoadKeep keep = new RoadKeep(dir);
        assertThat(keep.loadLocal()).contains(Samples.MAIN);
        // Python writes the secret keys readable by others: refused until the operator makes the file private.
        Path secret = dir.resolve("role/local/role.json");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(keep::loadLocalRole).isInstanceOf(KeepException.class).hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertThat(keep.loadLocalRole()).contains(Samples.MAIN_ROLE);
        RemoteLoad load = keep.loadRemotes();
        assertThat(load.problems()).isEmpty();
        RemoteEstateData cafe = new RemoteEstateData("caf\u00e9", 3, 7, new HostPort("10.0.0.1", 65535),
                new HostPort("192.168.1.2", 0), true, "h\u00f6st \"q\"", false, 4294967295L, true, 255, null, "other");
        assertThat(load.remotes()).containsExactly(cafe, Samples.OTHER);
        assertThat(load.roles()).containsOnlyKeys("other").containsValue(Samples.OTHER_ROLE);
        assertThat(load.roleOf(cafe)).contains(Samples.OTHER_ROLE);

        // and what Java writes back is what Python wrote
        Path java = dir.resolve("java");
        RoadKeep out = new RoadKeep(java);
        out.dumpRemote(cafe);
        assertThat(Files.readAllBytes(java.resolve("remote/estate.caf\u00e9.json")))
                .isEqualTo(Files.readAllBytes(dir.resolve("remote/estate.caf\u00e9.json")));
    }

    /** Files written by this keep are read back by Python's json module with the reference's key sets. */
    @Test
    void pythonReadsFilesWrittenHere() throws Exception {
        Assumptions.assumeTrue(python(), "python3 not on PATH");
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpRemote(Samples.OTHER);
        keep.dumpRemoteRole(Samples.OTHER_ROLE);
        keep.dumpLocal(Samples.MAIN);
        keep.dumpLocalRole(Samples.MAIN_ROLE);
        String out = runPython(PY_CHECK, dir.toString());
        assertThat(out.strip()).isEqualTo("ok");
    }

    private static final String CAFE_JSON = """
            {
              "name": "caf\\u00e9",
              "uid": 3,
              "fuid": 7,
              "ha": [
                "10.0.0.1",
                65535
              ],
              "iha": [
                "192.168.1.2",
                0
              ],
              "natted": true,
              "fqdn": "h\\u00f6st \\"q\\"",
              "dyned": false,
              "sid": 4294967295,
              "main": true,
              "kind": 255,
              "joined": null,
              "role": "other"
            }""";

    private static final String PY_WRITE = """
            import json, os, sys
            from collections import OrderedDict as o
            d = sys.argv[1]
            def dump(rel, pairs):
                p = os.path.join(d, rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as f:
                    json.dump(o(pairs), f, indent=2)
            dump("remote/estate.other.json", [("name","other"),("uid",2),("fuid",2),("ha",("127.0.0.1",7531)),
                ("iha",None),("natted",None),("fqdn","localhost"),("dyned",None),("sid",2),("main",False),
                ("kind",0),("joined",True),("role","other")])
            dump("remote/estate.caf\\u00e9.json", [("name","caf\\u00e9"),("uid",3),("fuid",7),("ha",("10.0.0.1",65535)),
                ("iha",("192.168.1.2",0)),("natted",True),("fqdn","h\\u00f6st \\"q\\""),("dyned",False),
                ("sid",4294967295),("main",True),("kind",255),("joined",None),("role","other")])
            dump("role/remote/role.other.json", [("role","other"),("acceptance",1),
                ("verhex","17cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a400839b85e18080ce"),
                ("pubhex","ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b")])
            dump("local/estate.json", [("name","main"),("uid",1),("ha",("127.0.0.1",7530)),("iha",None),
                ("natted",None),("fqdn","localhost"),("dyned",None),("sid",0),("puid",2),("aha",("",7530)),
                ("role","main")])
            dump("role/local/role.json", [("role","main"),
                ("sighex","d0c8d86c15910188d654ce7b34f2fcdb16926d8c2677ee22183640f15abcbfc0"),
                ("prihex","726b8541fa8dcef4e10f6cd4f1d0355de6c079519f82c4221b27e586fb2d9030")])
            """;

    private static final String PY_CHECK = """
            import json, os, sys
            d = sys.argv[1]
            def load(rel):
                with open(os.path.join(d, rel)) as f:
                    return json.load(f)
            def same(rel, data):
                with open(os.path.join(d, rel), "rb") as f:
                    assert f.read() == json.dumps(data, indent=2).encode("ascii"), rel
            r = load("remote/estate.other.json")
            assert list(r) == ['name','uid','fuid','ha','iha','natted','fqdn','dyned','sid','main','kind','joined','role']
            assert r["ha"] == ["127.0.0.1", 7531] and r["joined"] is True and r["main"] is False
            same("remote/estate.other.json", r)
            r = load("role/remote/role.other.json")
            assert list(r) == ['role','acceptance','verhex','pubhex'] and r["acceptance"] == 1
            same("role/remote/role.other.json", r)
            r = load("local/estate.json")
            assert list(r) == ['name','uid','ha','iha','natted','fqdn','dyned','sid','puid','aha','role']
            assert r["aha"] == ["", 7530]
            same("local/estate.json", r)
            r = load("role/local/role.json")
            assert list(r) == ['role','sighex','prihex']
            same("role/local/role.json", r)
            print("ok")
            """;

    private void write(String rel, String text) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.US_ASCII);
    }

    private static boolean python() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String runPython(String script, String arg) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", script, arg).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
