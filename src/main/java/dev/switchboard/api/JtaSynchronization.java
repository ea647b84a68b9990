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

    static boolean register(Runnable onCommit, Runnable onRollback) {
        TransactionSynchronizationRegistry registry;
        try {
            registry = (TransactionSynchronizationRegistry) new InitialContext().lookup(REGISTRY);
        } catch (NamingException e) {
            return false;
        }
        int status = registry.getTransactionStatus();
        if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
            return false;
        }
        registry.registerInterposedSynchronization(new JtaSynchronization(new Completion(onCommit, onRollback)));
        return true;
    }

    @Override
    public void beforeCompletion() {
    }

    @Override
    public void afterCompletion(int status) {
        completion.ended(status == Status.STATUS_COMMITTED);
    }
}
