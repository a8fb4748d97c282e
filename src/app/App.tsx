// The workbench page: model/SAE choice, the live board with overlays and game controls on the left,
// panels (features here, square explorer, feature dashboard, interventions, metrics) on the right,
// the view mirrored in the URL, and classroom tours. Model and SAE work runs in a Web Worker.
import { useEffect, useMemo, useRef } from 'react';
import { legalMoves } from '../games/othello';
import { BoardArea, OthelloPredictions } from './board/BoardArea';
import { ChessArea, ChessPredictions, ChessTranscript } from './board/ChessArea';
import { ModelPicker } from './ModelPicker';
import { FeatureDashboard } from './panels/FeatureDashboard';
import { FeaturesPanel } from './panels/FeaturesPanel';
import { FeatureList } from './panels/FeatureList';
import { InterventionPanel } from './panels/InterventionPanel';
import { MetricsPanel } from './panels/MetricsPanel';
import { useNotes } from './panels/notes';
import { SquarePanel } from './panels/SquarePanel';
import { StatusBar } from './StatusBar';
import { useSession, useView } from './state/store';
import { gameLength, hashToView, PANELS, viewToHash, type Panel } from './state/view';
import { usePresenterBoardSize, useStepFocus } from './tours/presenter-layout';
import { Presenter, TourMenu } from './tours/Presenter';
import { TOURS, tourView } from './tours/tours';
import { useWorkbench } from './useWorkbench';

const PANEL_TITLES: Record<Panel, string> = { features: 'Features here', square: 'Square explorer', dashboard: 'Feature dashboard', list: 'All features', intervene: 'Interventions', metrics: 'Metrics' };

/** Applies the URL's view to the store; called before the first render and on every hash change. */
export function readLocation(): void {
  const { view, problems } = hashToView(location.hash);
  let v = view;
  const tour = view.tour ? TOURS.find((t) => t.id === view.tour) : undefined;
  if (view.tour && !tour) problems.push(`there is no tour "${view.tour}"`);
  if (tour) v = tourView(tour, Math.min(view.step, tour.steps.length - 1));
  useView.getState().replaceView(tour || !view.tour ? v : { ...v, tour: null });
  useSession.getState().patch({ notice: problems });
}

export function App() {
  const { view, states, set, step, replaceView } = useView();
  useWorkbench();
  const loaded = useSession((s) => s.loaded);
  const hashNow = useMemo(() => viewToHash(view), [view]);

  useEffect(() => {
    void useNotes.getState().load();
    const onHash = () => { if (location.hash.slice(1) !== viewToHash(useView.getState().view)) readLocation(); };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (location.hash.slice(1) !== hashNow) history.replaceState(null, '', `#${hashNow}`);
  }, [hashNow]);

  const tour = view.tour ? TOURS.find((t) => t.id === view.tour) : undefined;
  const presenterRef = useRef<HTMLDivElement>(null), sideRef = useRef<HTMLDivElement>(null);
  const boardSize = usePresenterBoardSize(presenterRef, Boolean(tour));
  const analysisKey = useSession((s) => s.analysis);
  const atlasKey = useSession((s) => s.atlas);
  useStepFocus(sideRef, tour?.steps[Math.min(view.step, tour.steps.length - 1)], [analysisKey, atlasKey, view.panel, boardSize]);
  const goStep = (s: number) => tour && replaceView(tourView(tour, Math.max(0, Math.min(tour.steps.length - 1, s))));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return;
      if (tour) {
        if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ') { e.preventDefault(); goStep(view.step + 1); }
        if (e.key === 'ArrowLeft' || e.key === 'PageUp') { e.preventDefault(); goStep(view.step - 1); }
        if (e.key === 'Escape') set({ tour: null, step: 0 });
        return;
      }
      if (e.key === 'ArrowLeft') step(-1);
      if (e.key === 'ArrowRight') step(1);
      if (e.key === 'Home') step(-gameLength(view));
      if (e.key === 'End') step(gameLength(view));
    };
    // A dropdown keeps the focus after a choice and would swallow the arrow keys; once chosen, let go.
    const onChange = (e: Event) => { if ((e.target as HTMLElement)?.tagName === 'SELECT') (e.target as HTMLSelectElement).blur(); };
    window.addEventListener('keydown', onKey);
    window.addEventListener('change', onChange);
    return () => { window.removeEventListener('keydown', onKey); window.removeEventListener('change', onChange); };
  });

  const legal = view.game === 'othello' ? legalMoves(states[view.pos]) : [];
  const chess = view.game === 'chess';
  const panel = (
    <aside>
      <nav className="tabs" role="tablist">
        {PANELS.map((p) => (
          <button key={p} role="tab" aria-selected={view.panel === p} className={view.panel === p ? 'tab active' : 'tab'} onClick={() => set({ panel: p })}>{PANEL_TITLES[p]}</button>
        ))}
      </nav>
      <div className="panel" role="tabpanel">
        {view.panel === 'features' && <FeaturesPanel />}
        {view.panel === 'square' && <SquarePanel />}
        {view.panel === 'dashboard' && <><FeaturePicker dSae={loaded?.dSae ?? 0} /><FeatureDashboard /></>}
        {view.panel === 'list' && <FeatureList />}
        {view.panel === 'intervene' && <InterventionPanel />}
        {view.panel === 'metrics' && <MetricsPanel />}
      </div>
    </aside>
  );
  if (tour) {
    // Presenter mode: caption on top, the board and its legend at the size the screen allows, and beside
    // them the predictions and the panel the step points at (scrolled to what the caption names).
    return (
      <div className="app presenting">
        <div ref={presenterRef}><Presenter tourId={tour.id} step={view.step} onStep={goStep} onExit={() => set({ tour: null, step: 0 })} /></div>
        <StatusBar />
        <main className="present-main">
          {chess ? <ChessArea presenting size={boardSize} /> : <BoardArea legal={legal} presenting size={boardSize} />}
          <div className="present-side" ref={sideRef}>
            {chess ? <><ChessPredictions /><ChessTranscript /></> : <OthelloPredictions legal={legal} />}
            {panel}
          </div>
        </main>
      </div>
    );
  }
  return (
    <div className="app">
      <header>
        <h1>Board-game SAE workbench</h1>
        <ModelPicker />
        <TourMenu onStart={(id) => { const t = TOURS.find((x) => x.id === id); if (t) replaceView(tourView(t, 0)); }} />
        <CopyLink />
      </header>
      <StatusBar />
      <main>
        {chess ? <ChessArea /> : <BoardArea legal={legal} />}
        {panel}
      </main>
    </div>
  );
}

function FeaturePicker({ dSae }: { dSae: number }) {
  const { view, set } = useView();
  if (dSae === 0) return null;
  return (
    <label className="small">Feature <input type="number" aria-label="feature number" min={0} max={dSae - 1} value={view.feature ?? ''} onChange={(e) => {
      const f = Number(e.target.value);
      if (e.target.value !== '' && Number.isInteger(f) && f >= 0 && f < dSae) set({ feature: f });
    }} /> of {dSae}</label>
  );
}

function CopyLink() {
  const patch = useSession((s) => s.patch);
  return (
    <button data-testid="copy-link" onClick={async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        patch({ notice: ['link copied: it restores this exact view'] });
      } catch {
        patch({ notice: [`copy this link: ${location.href}`] });
      }
    }}>Copy link</button>
  );
}
