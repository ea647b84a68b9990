package dev.switchboard.api;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.naming.InitialContext;
import javax.naming.NamingException;

/** The JTA side of {@link Transactions}; loaded only where JTA exists. */
final class JtaSynchronization implements Synchronization {

    private static final String REGISTRY = "java:comp/TransactionSynchronizationRegistry";

    private final Completion completion;

    private JtaSynchronization(Completion completion) {
        this.completion = completion;
    }

    static boolean register(Runnable beforeCommit, Runnable onCommit, Runnable onRollback) {
        TransactionSynchronizationRegistry registry = registry();
        if (registry == null || !active(registry)) {
            return false;
        }
        registry.registerInterposedSynchronization(new JtaSynchronization(new Completion(beforeCommit, onCommit,
                onRollback)));
        return true;
    }

    static boolean active() {
        TransactionSynchronizationRegistry registry = registry();
        return registry != null && active(registry);
    }

    private static boolean active(TransactionSynchronizationRegistry registry) {
        int status = registry.getTransactionStatus();
        return status == Status.STATUS_ACTIVE || status == Status.STATUS_MARKED_ROLLBACK;
    }

    private static TransactionSynchronizationRegistry registry() {
        try {
            return (TransactionSynchronizationRegistry) new InitialContext().lookup(REGISTRY);
        } catch (NamingException e) {
            return null;
        }
    }

    /** Must not throw: an exception here rolls the transaction back. */
    @Override
    public void beforeCompletion() {
        completion.beforeCommit();
    }

    @Override
    public void afterCompletion(int status) {
        completion.ended(status == Status.STATUS_COMMITTED);
    }
}
