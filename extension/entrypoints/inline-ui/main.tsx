import React from 'react';
import ReactDOM from 'react-dom/client';
import '@/components/theme.css';
import './style.css';
import App from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <App token={location.hash.slice(1)} />
  </React.StrictMode>,
);
