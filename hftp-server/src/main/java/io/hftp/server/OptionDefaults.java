package io.hftp.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies the value of every daemon option the command line leaves out: first from an environment
 * variable ({@code HFTP_} and the long option name upper-cased with {@code -} as {@code _}, e.g.
 * {@code HFTP_MAX_CONNECTIONS}), then from the properties file named by the config option (or by
 * its environment variable, {@code HFTP_CONFIG}), whose keys are the long option names without
 * {@code --} (e.g. {@code max-connections=10000}). When neither has it, picocli falls back to the
 * option's own default. So the precedence is command line, environment, file, built-in default.
 *
 * <p>It knows no option by name except the config option: the keys it accepts are the long names of
 * the command's options as picocli describes them, so options added later are configurable with no
 * code here. A file key that is no option is an error; an {@code HFTP_} variable that is no option
 * is ignored, as the environment also carries variables meant for the launcher ({@code
 * HFTP_JAVA_OPTS}).
 */
final class OptionDefaults implements CommandLine.IDefaultValueProvider {
    /** Prefix of the environment variables that set options. */
    static final String ENV_PREFIX = "HFTP_";

    private final CommandSpec spec;
    private final String configOption;
    private final Map<String, String> env;
    /** Where each value this provider supplied came from, to name it when picocli rejects it. */
    private final Map<ArgSpec, String> origins = new HashMap<>();

    private Path loadedPath;
    private Properties loaded;

    /**
     * @param spec the command whose options are supplied
     * @param configOption the name of the option that names the properties file, e.g. {@code --config}
     * @param env the environment, usually {@link System#getenv()}
     */
    OptionDefaults(CommandSpec spec, String configOption, Map<String, String> env) {
        this.spec = Objects.requireNonNull(spec);
        this.configOption = Objects.requireNonNull(configOption);
        this.env = Map.copyOf(env);
        if (spec.findOption(configOption) == null) {
            throw new IllegalArgumentException("no option " + configOption);
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String key = key(option);
        String variable = envName(key);
        String value = env.get(variable);
        if (value != null) {
            origins.put(arg, "environment variable " + variable);
            return value.strip();
        }
        if (option.longestName().equals(configOption)) {
            return null; // the file cannot name itself
        }
        Path path = configPath();
        if (path == null) {
            return null;
        }
        value = properties(path).getProperty(key);
        if (value != null) {
            origins.put(arg, path.toString());
            return value.strip();
        }
        return null;
    }

    /**
     * Where the value picocli last had from this provider for {@code arg} came from ("environment
     * variable HFTP_PORT" or the file's path), or null when it supplied none.
     */
    String origin(ArgSpec arg) {
        return arg == null ? null : origins.get(arg);
    }

    /** The environment variable that sets the option with this file key. */
    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The option's file key: its longest name without the leading dashes. */
    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** The file named on the command line, else by the environment, else none. */
    private Path configPath() {
        Object fromCommandLine = spec.findOption(configOption).getValue();
        if (fromCommandLine != null) {
            return Path.of(fromCommandLine.toString());
        }
        String fromEnv = env.get(envName(key(spec.findOption(configOption))));
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv.strip());
    }

    private Properties properties(Path path) {
        if (!path.equals(loadedPath)) {
            loaded = load(path);
            loadedPath = path;
        }
        return loaded;
    }

    private Properties load(Path path) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape.
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "cannot read config file " + path + ": " + describe(e));
        }
        TreeSet<String> known = new TreeSet<>();
        for (OptionSpec option : spec.options()) {
            if (!option.usageHelp()
                    && !option.versionHelp()
                    && !option.longestName().equals(configOption)) {
                known.add(key(option));
            }
        }
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (!known.contains(key)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "config file " + path + ": unknown key '" + key + "' (known: " + String.join(", ", known)
                                + ")");
            }
        }
        return p;
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
