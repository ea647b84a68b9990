package dev.switchboard.core;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.StoreOutcomeUnknownException;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * What clients write (say, whisper, and chat 1.1's edit, delete, react): the text rules, and storing with
 * de-duplication by {@code ref}: a repeated ref from the same user in the same channel is not stored twice, the sender
 * gets the original back.
 */
final class Texts {

    private final Log log;
    private final Replies replies;
    private final int maxTextChars;

    Texts(Log log, Replies replies, int maxTextChars) {
        this.log = log;
        this.replies = replies;
        this.maxTextChars = maxTextChars;
    }

    boolean valid(Connection c, String text, String ref) {
        if (text == null || text.isBlank()) {
            replies.error(c, ErrorCode.INVALID, "text must not be empty", ref);
            return false;
        }
        if (text.length() > maxTextChars) {
            replies.error(c, ErrorCode.TOO_LONG, "text is longer than " + maxTextChars + " characters", ref);
            return false;
        }
        return true;
    }

    /** The error's text when the store took the message but did not answer in time: the truth, and what to do. */
    static final String UNKNOWN = "the store did not answer in time: the message may still be stored and delivered; "
            + "send it again with the same ref to have it stored once";

    /**
     * Appends a client's frame. The stage completes with the stored entry (a repeat: the original, which is sent to
     * the sender again), or with null when it could not be stored (the sender got an error) or the store did not
     * answer in time (the sender got an error that says it may still be delivered: it then comes like any message,
     * once; never "not sent" for a message that may be).
     */
    CompletionStage<Appended> store(Connection c, ChannelId id, Template frame, String ref) {
        String dedupKey = ref == null ? null : c.user() + '\u0000' + ref;
        return log.append(id, frame, dedupKey).handle((appended, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                if (!(cause instanceof StoreUnavailableException)) {
                    throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
                }
                replies.error(c, ErrorCode.UNAVAILABLE, cause instanceof StoreOutcomeUnknownException
                        ? UNKNOWN : "the message could not be stored and was not sent; try again", ref);
                return null;
            }
            if (appended.duplicate()) {
                c.send(appended.entry().json());
            }
            return appended;
        });
    }
}
