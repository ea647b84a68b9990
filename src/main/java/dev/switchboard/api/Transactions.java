package dev.switchboard.api;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Finds the caller's transaction: Spring's, where the application runs on Spring ({@code @Transactional}, also over
 * JTA), else JTA's, where the container has it (Payara, GlassFish, WildFly; not Tomcat). Their classes are touched only
 * inside {@link SpringSynchronization} and {@link JtaSynchronization}, each loaded only when they exist.
 */
final class Transactions {

    private static final Logger LOG = System.getLogger(Transactions.class.getName());
    private static final boolean JTA_PRESENT = present("jakarta.transaction.TransactionSynchronizationRegistry");
    private static final boolean SPRING_PRESENT =
            present("org.springframework.transaction.support.TransactionSynchronizationManager");

    private Transactions() {
    }

    /**
     * Runs {@code onCommit} after the caller's active transaction commits, or {@code onRollback} when it does not.
     * Returns false, running nothing, when there is no active transaction.
     */
    static boolean afterCommit(Runnable onCommit, Runnable onRollback) {
        return around(() -> { }, onCommit, onRollback);
    }

    /**
     * As {@link #afterCommit}, running {@code beforeCommit} (which must not throw) just before the transaction
     * completes.
     */
    static boolean around(Runnable beforeCommit, Runnable onCommit, Runnable onRollback) {
        if (SPRING_PRESENT) {
            try {
                if (SpringSynchronization.register(beforeCommit, onCommit, onRollback)) {
                    return true;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, "no Spring transaction available: {0}", e.toString());
            }
        }
        if (!JTA_PRESENT) {
            return false;
        }
        try {
            return JtaSynchronization.register(beforeCommit, onCommit, onRollback);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, "no JTA transaction available: {0}", e.toString());
            return false;
        }
    }

    /** Whether the caller is in an active JTA transaction. */
    static boolean active() {
        if (!JTA_PRESENT) {
            return false;
        }
        try {
            return JtaSynchronization.active();
        } catch (RuntimeException | LinkageError e) {
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
