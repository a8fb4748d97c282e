// Presenter mode fits one screen (a projector at 1024x768, 1280x720 or 1920x1080): the board is as
// large as the height left under the caption allows (and at most 46% of the width), and the panel
// scrolls itself so that what the step's caption talks about (its checked elements) is in view.
import { useEffect, useState, type RefObject } from 'react';
import type { TourStep } from './tours';

/** room under the board for its legend (a probe legend runs to six lines; its type grows with the screen) */
const legendRoom = (height: number) => Math.max(185, 0.2 * height);

export function boardSizeFor(width: number, height: number, presenterHeight: number): number {
  return Math.max(240, Math.floor(Math.min(height - presenterHeight - legendRoom(height), width * 0.46)));
}

/** The board's width in pixels for the window and the presenter bar's current height. */
export function usePresenterBoardSize(presenter: RefObject<HTMLElement | null>, active: boolean): number {
  const [size, setSize] = useState(480);
  useEffect(() => {
    if (!active) return;
    const update = () => setSize(boardSizeFor(window.innerWidth, window.innerHeight, presenter.current?.getBoundingClientRect().height ?? 160));
    update();
    const ro = new ResizeObserver(update);
    if (presenter.current) ro.observe(presenter.current);
    window.addEventListener('resize', update);
    return () => { ro.disconnect(); window.removeEventListener('resize', update); };
  }, [presenter, active]);
  return size;
}

/** Scrolls the side panel so the elements the step's checks name are visible (re-run as the page fills in). */
export function useStepFocus(side: RefObject<HTMLElement | null>, step: TourStep | undefined, version: readonly unknown[]): void {
  useEffect(() => {
    if (!step?.checks || !side.current) return;
    const box = side.current;
    const focus = () => {
      const targets = step.checks!.map((c) => box.querySelector(c.selector)).filter((el): el is Element => el !== null);
      if (!targets.length) return;
      // the first and the last named element in view where both fit; otherwise the first
      const top = Math.min(...targets.map((el) => el.getBoundingClientRect().top));
      const bottom = Math.max(...targets.map((el) => el.getBoundingClientRect().bottom));
      const view = box.getBoundingClientRect();
      if (top >= view.top && bottom <= view.bottom) return;
      box.scrollTop += bottom - top <= view.height ? bottom - view.bottom + 8 : top - view.top - 8;
    };
    focus();
    const t = setTimeout(focus, 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a fixed-length list of what fills the panel in
  }, [side, step, ...version]);
}
