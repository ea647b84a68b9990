package dev.switchboard.api;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Finds the caller's JTA transaction, where the container has JTA (Payara, GlassFish, WildFly; not Tomcat). The JTA
 * classes are touched only inside {@link JtaSynchronization}, which is loaded only when they exist.
 */
final class Transactions {

    private static final Logger LOG = System.getLogger(Transactions.class.getName());
    private static final boolean JTA_PRESENT = present("jakarta.transaction.TransactionSynchronizationRegistry");

    private Transactions() {
    }

    /**
     * Runs {@code onCommit} after the caller's active transaction commits, or {@code onRollback} when it does not.
     * Returns false, running nothing, when there is no active transaction.
     */
    static boolean afterCommit(Runnable onCommit, Runnable onRollback) {
        if (!JTA_PRESENT) {
            return false;
        }
        try {
            return JtaSynchronization.register(onCommit, onRollback);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, "no JTA transaction available: {0}", e.toString());
            return false;
        }
    }

    /** Whether a class can be loaded here (an optional API is on the class path). */
    static boolean present(String className) {
        try {
            Class.forName(className, false, Transactions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
