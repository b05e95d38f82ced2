package io.raet.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code java} blocks of the README, compiled and run so they cannot go stale.
 *
 * <p>Each block is compiled on its own with only the imports it shows (so a block without its imports fails), its
 * other lines as the body of a method. The blocks that start a {@code RoadStack} or a {@code LaneStack} are run;
 * the others (a {@code Yard} needs a router) are compiled only. Before compiling, every absolute path in
 * {@code Path.of("/...")} is moved under a temporary directory and every {@code .port(N)} becomes {@code .port(0)}
 * (an ephemeral port); nothing else is changed.
 */
@Timeout(180)
class ReadmeJavaTest {
    static final Path README = Path.of("").toAbsolutePath().getParent().resolve("README.md");
    private static final Pattern BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("Path\\.of\\(\"/([^\"]*)\"\\)");
    private static final Pattern PORT = Pattern.compile("\\.port\\(\\d+\\)");

    @TempDir
    static Path tmp;

    static List<String> blocks;

    @BeforeAll
    static void readBlocks() throws IOException {
        blocks = javaBlocks(Files.readString(README));
    }

    /** The contents of the {@code ```java} blocks of a markdown text, in order. */
    static List<String> javaBlocks(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The block with its absolute paths under {@code root} and its ports 0, as documented above. */
    static String substituted(String block, Path root) {
        String out = ABSOLUTE_PATH.matcher(block).replaceAll(r -> Matcher.quoteReplacement(
                "Path.of(\"" + root.resolve(r.group(1)).toString().replace("\\", "\\\\") + "\")"));
        return PORT.matcher(out).replaceAll(".port(0)");
    }

    /** A compilation unit: the block's imports, then a class {@code name} whose {@code run()} holds the rest. */
    static String wrapped(String name, String block) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        return imports + "\npublic class " + name + " {\n    public static void run() throws Exception {\n" + body
                + "    }\n}\n";
    }

    static boolean runs(String block) {
        return block.contains("RoadStack.builder()") || block.contains("LaneStack.builder()");
    }

    @Test
    void theReadmeHasTheRoadLaneAndYardExamples() {
        assertThat(blocks).as("java blocks of %s", README).hasSizeGreaterThanOrEqualTo(3);
        assertThat(blocks).anySatisfy(b -> assertThat(b).contains("RoadStack.builder()"));
        assertThat(blocks).anySatisfy(b -> assertThat(b).contains("LaneStack.builder()"));
        assertThat(blocks).anySatisfy(b -> assertThat(b).contains("Yard.builder("));
    }

    @Test
    void substitutionsMoveAbsolutePathsAndFixedPorts() {
        String b = "x(Path.of(\"/run/app\")).port(7540); Path.of(\"rel\"); y.port(7)";
        assertThat(substituted(b, Path.of("/t")))
                .isEqualTo("x(Path.of(\"/t/run/app\")).port(0); Path.of(\"rel\"); y.port(0)");
    }

    @Test
    void everyJavaBlockCompilesAndTheRoadAndLaneOnesRun() throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        List<JavaFileObject> units = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String name = "ReadmeBlock" + (i + 1);
            Path root = Files.createDirectories(tmp.resolve("b" + (i + 1)));
            String source = wrapped(name, substituted(blocks.get(i), root));
            names.add(name);
            units.add(new SimpleJavaFileObject(java.net.URI.create("string:///" + name + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            });
        }
        compile(units, classes);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeJavaTest.class.getClassLoader())) {
            int ran = 0;
            for (int i = 0; i < blocks.size(); i++) {
                if (runs(blocks.get(i))) {
                    run(loader.loadClass(names.get(i)).getMethod("run"), "README java block " + (i + 1));
                    ran++;
                }
            }
            assertThat(ran).as("road and lane blocks run").isGreaterThanOrEqualTo(2);
        }
    }

    private static void compile(List<JavaFileObject> units, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler").isNotNull();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(out, files, diagnostics, List.of("-proc:none", "-classpath", classpath,
                    "-d", classes.toString()), null, units).call();
            StringBuilder report = new StringBuilder();
            diagnostics.getDiagnostics().forEach(d -> report.append(d.getSource() == null ? "" : d.getSource().getName())
                    .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT))
                    .append('\n'));
            assertThat(ok).as("README java blocks compile:\n%s%s", report, out).isTrue();
        }
    }

    private static void run(Method method, String what) throws Exception {
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<?> f = runner.submit(() -> {
                method.invoke(null);
                return null;
            });
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            throw new AssertionError(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish in 60 s", e);
        } finally {
            runner.shutdownNow();
        }
    }
}
