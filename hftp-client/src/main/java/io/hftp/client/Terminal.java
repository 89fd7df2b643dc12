package io.hftp.client;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the command runs on an interactive terminal, where a redrawn progress bar makes sense. */
final class Terminal {
    private Terminal() {}

    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 a console exists even when redirected; Console.isTerminal() then tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
