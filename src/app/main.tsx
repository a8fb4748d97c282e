import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, readLocation } from './App';
import './styles.css';

// The link's view is read before the first render, so the page never writes a default over it.
readLocation();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
