package io.raet.cli;

import io.raet.router.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code --config FILE}: the command's options from a JSON object, like the router's file. Its keys are the long
 * option names in camel case ({@code --main-key} is {@code "mainKey"}, {@code --not-main} is {@code "notMain"}),
 * with the values the options take (strings, numbers, true/false, lists for repeatable options); an unknown key is
 * an error; a flag given on the command line wins over the file; relative paths are taken from the file's
 * directory.
 */
final class ConfigOption {
    /** Options that a file cannot set. */
    private static final Set<String> NOT_IN_FILE = Set.of("--config", "--help", "--version", "--verbose");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON file of options (keys: the long option names in camel case, e.g. \"mainKey\");"
                    + " flags given here win over it; relative paths are from its directory (default: none)")
    Path config;

    /** The key of an option in the file: {@code --main-key} → {@code mainKey}. */
    static String key(OptionSpec o) {
        String n = o.longestName().replaceFirst("^-+", "");
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : n.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    /** The options a file may set, by key. */
    Map<String, OptionSpec> settable() {
        Map<String, OptionSpec> m = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!NOT_IN_FILE.contains(o.longestName()) && !o.usageHelp() && !o.versionHelp()) {
                m.put(key(o), o);
            }
        }
        return m;
    }

    /** Sets every option the file has and the command line does not; nothing without {@code --config}. */
    void apply() {
        if (config == null) {
            return;
        }
        Map<String, OptionSpec> options = settable();
        ConfigFile file = ConfigFile.load(config, options.keySet(), spec.qualifiedName().replace("raet ", "")
                + " configuration");
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String k : file.keys()) {
            OptionSpec o = options.get(k);
            if (parsed != null && parsed.hasMatchedOption(o)) {
                continue;
            }
            try {
                o.setValue(value(file, k, o));
            } catch (IllegalArgumentException e) {
                throw CliException.usage(config + ": " + e.getMessage());
            }
        }
    }

    private static Object value(ConfigFile file, String k, OptionSpec o) {
        Class<?> t = o.type();
        if (o.isMultiValue()) {
            List<Object> out = new ArrayList<>();
            for (String s : file.strings(k, "strings")) {
                out.add(o.auxiliaryTypes()[0] == Path.class ? file.resolve(s) : s);
            }
            return out;
        }
        if (t == String.class) {
            return file.string(k);
        }
        if (t == int.class || t == Integer.class) {
            return file.integer(k);
        }
        if (t == boolean.class || t == Boolean.class) {
            return file.bool(k);
        }
        if (t == Path.class) {
            return file.path(k);
        }
        throw new IllegalArgumentException("'" + k + "' cannot be set in a file");
    }
}
