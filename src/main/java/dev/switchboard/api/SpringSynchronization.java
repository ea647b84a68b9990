package dev.switchboard.api;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The Spring side of {@link Transactions}: a transaction of Spring's (a {@code @Transactional} method, a
 * {@code TransactionTemplate}) on the calling thread, whatever its transaction manager (JDBC, JPA, JTA). Loaded only
 * where spring-tx exists.
 */
final class SpringSynchronization implements TransactionSynchronization {

    private final Completion completion;

    private SpringSynchronization(Completion completion) {
        this.completion = completion;
    }

    static boolean register(Runnable beforeCommit, Runnable onCommit, Runnable onRollback) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return false;
        }
        TransactionSynchronizationManager.registerSynchronization(
                new SpringSynchronization(new Completion(beforeCommit, onCommit, onRollback)));
        return true;
    }

    @Override
    public void beforeCommit(boolean readOnly) {
        completion.beforeCommit();
    }

    @Override
    public void afterCompletion(int status) {
        completion.ended(status == STATUS_COMMITTED);
    }
}
