package dev.switchboard.store.memory;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PagesTest {

    private static final int PAGES_A_BLOCK = Pages.BLOCK / Pages.PAGE;

    @Test
    void pagesAreDistinctAndDoNotOverlapWithinTheirBlocks() {
        Pages pages = new Pages();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 3 * PAGES_A_BLOCK; i++) {
            int page = pages.take();
            assertTrue(seen.add(page), "page " + page + " handed out twice");
            int start = Pages.start(page);
            assertTrue(start >= 0 && start + Pages.PAGE <= pages.block(page).length, "page " + page + " at " + start);
        }
        assertEquals(3L * Pages.BLOCK, pages.bytes());
        assertSame(pages.block(0), pages.block(PAGES_A_BLOCK - 1));
        assertNotSame(pages.block(0), pages.block(PAGES_A_BLOCK));
    }

    @Test
    void theLowestFreePageGoesFirstSoThatTheLastBlocksEmpty() {
        Pages pages = new Pages();
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 2 * PAGES_A_BLOCK + 10; i++) {
            taken.add(pages.take());
        }
        pages.give(taken.get(5));
        pages.give(taken.get(3));
        assertEquals(taken.get(3), pages.take(), "the lowest free page");
        assertEquals(taken.get(5), pages.take());
        assertEquals(2 * PAGES_A_BLOCK + 10, pages.take(), "then the first never taken");
    }

    @Test
    void emptyBlocksAtTheEndAreReleasedButOneIsKeptAsSlack() {
        Pages pages = new Pages();
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 4 * PAGES_A_BLOCK; i++) {
            taken.add(pages.take());
        }
        for (int i = taken.size() - 1; i >= PAGES_A_BLOCK; i--) { // the last three blocks empty out
            pages.give(taken.get(i));
        }
        assertEquals(2L * Pages.BLOCK, pages.bytes(), "the first block, and one empty block as slack");
        assertEquals(PAGES_A_BLOCK, pages.pagesTaken());
        for (int i = 0; i < PAGES_A_BLOCK; i++) {
            pages.give(taken.get(i));
        }
        assertEquals(Pages.BLOCK, pages.bytes());
        assertEquals(0, pages.pagesTaken());
        assertEquals(0, pages.take(), "a released block's pages are not handed out; the first block's are");
        assertEquals(1, pages.take());
    }

    @Test
    void aPageThatIsNotTakenCannotBeGivenBack() {
        Pages pages = new Pages();
        int page = pages.take();
        pages.give(page);
        assertThrows(IllegalArgumentException.class, () -> pages.give(page));
        assertThrows(IllegalArgumentException.class, () -> pages.give(5 * PAGES_A_BLOCK));
    }
}
