package io.raet;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.RoadStack;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module {@code io.raet} as compiled ({@code target/classes/module-info.class}): the packages it exports are
 * exactly the API packages, none to a chosen module only, nothing is opened; and it resolves and runs on the module
 * path with its dependencies, libsodium included, when given native access. A new exported package, or an internal
 * one made public, fails here until this list says so.
 */
class ModuleSurfaceTest {
    static final Set<String> EXPORTED = Set.of(
            "io.raet.codec",
            "io.raet.crypto",
            "io.raet.keep",
            "io.raet.lane",
            "io.raet.metrics",
            "io.raet.road",
            "io.raet.route",
            "io.raet.router",
            "io.raet.trust");

    static final Set<String> INTERNAL = Set.of(
            "io.raet.agent",
            "io.raet.lane.core",
            "io.raet.road.core",
            "io.raet.util");

    static Path classes() throws Exception {
        return Path.of(RoadStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static ModuleDescriptor descriptor() throws Exception {
        ModuleReference ref = ModuleFinder.of(classes()).find("io.raet").orElseThrow();
        return ref.descriptor();
    }

    @Test
    void exportsExactlyTheApiPackages() throws Exception {
        ModuleDescriptor d = descriptor();
        assertThat(d.isAutomatic()).isFalse();
        assertThat(d.isOpen()).isFalse();
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(EXPORTED);
        assertThat(d.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.toString()).isFalse());
        assertThat(d.opens()).isEmpty();
        assertThat(d.packages()).containsAll(INTERNAL);
        Set<String> all = new TreeSet<>(d.packages());
        all.removeAll(EXPORTED);
        assertThat(all).as("packages neither exported nor known internal").isEqualTo(new TreeSet<>(INTERNAL));
    }

    @Test
    void requiresTheLibrariesItUses() throws Exception {
        Map<String, Boolean> requires = new HashMap<>();
        for (ModuleDescriptor.Requires r : descriptor().requires()) {
            requires.put(r.name(), r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
        }
        // transitive where the API shows their types: ConfigFile.problem(JsonProcessingException), the binders
        assertThat(requires).containsEntry("com.fasterxml.jackson.databind", true)
                .containsEntry("micrometer.core", true)
                .containsEntry("msgpack.core", false)
                .containsEntry("org.slf4j", false)
                .containsKey("java.base")
                .hasSize(5);
    }

    @Test
    void runsOnTheModulePathWithNativeAccess() throws Exception {
        // every module io.raet needs, read from the test class path's jars
        Map<String, Path> byName = new HashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.endsWith(".jar")) {
                continue;
            }
            try {
                for (ModuleReference ref : ModuleFinder.of(p).findAll()) {
                    byName.putIfAbsent(ref.descriptor().name(), p);
                }
            } catch (FindException e) {
                // a jar whose name gives no module name: not one io.raet needs
            }
        }
        List<Path> path = new ArrayList<>(List.of(classes()));
        Set<String> seen = new HashSet<>();
        Deque<ModuleDescriptor> todo = new ArrayDeque<>(List.of(descriptor()));
        while (!todo.isEmpty()) {
            for (ModuleDescriptor.Requires r : todo.pop().requires()) {
                Path jar = byName.get(r.name());
                if (jar != null && seen.add(r.name())) {
                    path.add(jar);
                    todo.push(ModuleFinder.of(jar).find(r.name()).orElseThrow().descriptor());
                }
            }
        }
        ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("io.raet"));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf,
                List.of(ModuleLayer.boot()), ClassLoader.getPlatformClassLoader());
        Module raet = controller.layer().findModule("io.raet").orElseThrow();
        controller.enableNativeAccess(raet);

        assertThat(raet.isNamed()).isTrue();
        for (String pkg : EXPORTED) {
            assertThat(raet.isExported(pkg)).as(pkg).isTrue();
        }
        for (String pkg : INTERNAL) {
            assertThat(raet.isExported(pkg)).as(pkg).isFalse();
        }
        // libsodium through FFM from the named module: sign and verify
        Class<?> signingKey = raet.getClassLoader().loadClass("io.raet.crypto.SigningKey");
        assertThat(signingKey.getModule()).isSameAs(raet);
        Object key = signingKey.getMethod("generate").invoke(null);
        byte[] sig = (byte[]) signingKey.getMethod("sign", byte[].class).invoke(key, (Object) new byte[] {1, 2, 3});
        Object verifyKey = signingKey.getMethod("verifyKey").invoke(key);
        Method verify = verifyKey.getClass().getMethod("verify", byte[].class, byte[].class);
        assertThat(verify.invoke(verifyKey, sig, new byte[] {1, 2, 3})).isEqualTo(true);
    }
}
