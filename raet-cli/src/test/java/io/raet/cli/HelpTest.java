package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The help of every command shows every option's real default, and the README's command section lists them all. */
class HelpTest {
    /** Commands and options whose help is written elsewhere (the soak and decode commands, the metrics options). */
    static final Set<String> OTHERS = Set.of("soak", "decode");
    static final Set<String> OTHER_OPTIONS = Set.of("--metrics", "--jmx");

    static List<CommandLine> commands(CommandLine c) {
        List<CommandLine> all = new ArrayList<>();
        all.add(c);
        for (CommandLine sub : c.getSubcommands().values()) {
            if (!OTHERS.contains(sub.getCommandName())) {
                all.addAll(commands(sub));
            }
        }
        return all;
    }

    @Test
    void everyOptionShowsItsRealDefault() {
        List<String> checked = new ArrayList<>();
        for (CommandLine c : commands(new CommandLine(new RaetCli()))) {
            String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(usage).as(c.getCommandSpec().qualifiedName()).doesNotContain("(default: null)");
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--verbose")
                        || OTHER_OPTIONS.contains(o.longestName())) {
                    continue;
                }
                String what = c.getCommandSpec().qualifiedName() + " " + o.longestName();
                String text = String.join(" ", o.description()).replace("${DEFAULT-VALUE}",
                        String.valueOf(o.defaultValue()));
                if (!o.required() && !text.contains("(required")) {
                    assertThat(text).as(what).contains("(default: ");
                }
                if (o.defaultValue() != null) {
                    assertThat(text).as(what).containsPattern(Pattern.quote("(default: " + o.defaultValue()) + "[),]");
                }
                checked.add(what);
            }
        }
        assertThat(checked).contains("raet send --timeout", "raet listen --port", "raet send --name",
                "raet keep prune --unseen-for", "raet yard --data", "raet send --config");
    }

    @Test
    void theReadmeCommandSectionListsEveryCommand() throws Exception {
        String readme = Files.readString(ReadmeCommandsIT.ROOT.resolve("README.md"));
        int from = readme.indexOf("\n## Command line");
        assertThat(from).isPositive();
        int to = readme.indexOf("\n## ", from + 1);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        Set<String> mentioned = new TreeSet<>();
        Matcher m = Pattern.compile("`(?:scripts/)?raet ([a-z]+)").matcher(section);
        while (m.find()) {
            mentioned.add(m.group(1));
        }
        CommandLine raet = new CommandLine(new RaetCli());
        PolicyCommand.register(raet); // as RaetCli.execute adds them
        KeepCryptoCommand.register(raet);
        Set<String> commands = new TreeSet<>(raet.getSubcommands().keySet());
        assertThat(mentioned).as("commands in the README's command section").isEqualTo(commands);
    }

    @Test
    void theMainHelpListsTheCommandsAndTheExitCodes() {
        CliRun r = CliRun.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("keep", "listen", "send", "router", "yard", "--verbose", "Exit codes:",
                "2   wrong usage or setup");
    }
}
