/**
 * The {@code raet} command. It uses only what {@code io.raet} exports; the shaded {@code raet.jar} runs it on the
 * class path.
 */
@SuppressWarnings("requires-automatic")
module io.raet.cli {
    requires io.raet;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires java.management;
    requires jdk.management;
    requires micrometer.registry.prometheus;
    requires micrometer.registry.jmx;

    opens io.raet.cli to info.picocli;
}
