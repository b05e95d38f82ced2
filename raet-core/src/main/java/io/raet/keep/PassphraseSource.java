package io.raet.keep;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the passphrase of a sealed keep comes from: a file, an environment variable, standard input (the terminal,
 * without echo, when there is one) or a systemd credential. Never a command-line argument: every user of the host
 * can read those.
 *
 * <p>The passphrase is the bytes of the source (text is UTF-8); one trailing line end ({@code \n} or {@code \r\n})
 * of a file, credential or input line is not part of it. An empty passphrase, or one longer than 4096 bytes, is
 * refused.
 */
public interface PassphraseSource {
    /**
     * Reads the passphrase.
     *
     * @return fresh bytes: the caller wipes them once used
     * @throws KeepException naming the source (never the passphrase) when it cannot be read or is empty
     */
    byte[] read();

    /** {@return where the passphrase comes from, for messages: {@code file /etc/raet/pass}, …} */
    String description();

    /**
     * A file that only its owner may access (mode 0600 or 0400; a file group or others can read is refused, as the
     * keep's own key file is). Its content, less one trailing line end, is the passphrase.
     *
     * @param file the passphrase file
     * @return the source
     */
    static PassphraseSource file(Path file) {
        return new Passphrases.FileSource(file);
    }

    /**
     * The environment variable {@code variable} of this process.
     *
     * @param variable the variable's name
     * @return the source
     */
    static PassphraseSource environment(String variable) {
        return environment(variable, System::getenv);
    }

    /**
     * The variable {@code variable} of the environment {@code env} (a test's or an embedding program's).
     *
     * @param variable the variable's name
     * @param env the environment
     * @return the source
     */
    static PassphraseSource environment(String variable, Function<String, String> env) {
        return new Passphrases.EnvironmentSource(variable, env);
    }

    /**
     * A systemd credential: the file {@code $CREDENTIALS_DIRECTORY/<name>} that systemd provides to a service started
     * with {@code LoadCredential=<name>:<path>} or {@code LoadCredentialEncrypted=}/{@code SetCredential=}.
     *
     * @param name the credential's name
     * @return the source
     */
    static PassphraseSource credential(String name) {
        return credential(name, System::getenv);
    }

    /**
     * A systemd credential, {@code CREDENTIALS_DIRECTORY} taken from {@code env}.
     *
     * @param name the credential's name
     * @param env the environment
     * @return the source
     */
    static PassphraseSource credential(String name, Function<String, String> env) {
        return new Passphrases.CredentialSource(name, env);
    }

    /**
     * Standard input: the terminal without echo when the process has one, otherwise one line of standard input.
     * Several such sources read consecutive lines.
     *
     * @return the source
     */
    static PassphraseSource stdin() {
        return new Passphrases.StdinSource();
    }

    /**
     * One line of {@code in} (read byte by byte, so several sources can share one stream).
     *
     * @param in the stream
     * @param description what the source is, for errors
     * @return the source
     */
    static PassphraseSource stream(InputStream in, String description) {
        return new Passphrases.StreamSource(in, description);
    }

    /**
     * A passphrase a program already holds (from a vault, say); copied, so the caller may wipe its array.
     *
     * @param passphrase the passphrase (copied)
     * @param description what the source is, for errors
     * @return the source
     */
    static PassphraseSource of(byte[] passphrase, String description) {
        return new Passphrases.FixedSource(passphrase.clone(), description);
    }

    /**
     * {@return the environment, as a function, of a map (for tests)}
     *
     * @param variables the variables
     */
    static Function<String, String> env(Map<String, String> variables) {
        return variables::get;
    }
}
