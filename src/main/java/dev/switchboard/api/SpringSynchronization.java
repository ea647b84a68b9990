package dev.switchboard.api;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The Spring side of {@link Transactions}: a transaction of Spring's (a {@code @Transactional} method, a
 * {@code TransactionTemplate}) on the calling thread, whatever its transaction manager (JDBC, JPA, JTA). Loaded only
 * where spring-tx exists.
 */
final class SpringSynchronization implements TransactionSynchronization {

    private final Runnable onCommit;
    private final Runnable onRollback;

    private SpringSynchronization(Runnable onCommit, Runnable onRollback) {
        this.onCommit = onCommit;
        this.onRollback = onRollback;
    }

    static boolean register(Runnable onCommit, Runnable onRollback) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return false;
        }
        TransactionSynchronizationManager.registerSynchronization(new SpringSynchronization(onCommit, onRollback));
        return true;
    }

    @Override
    public void afterCompletion(int status) {
        if (status == STATUS_COMMITTED) {
            onCommit.run();
        } else {
            onRollback.run();
        }
    }
}
