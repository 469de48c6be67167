import React from 'react';
import ReactDOM from 'react-dom/client';
import { DisplayRoot } from '@/components/DisplayRoot';
import '@/components/theme.css';
import './style.css';
import App from './App';

const token = location.hash.slice(1);
const InlineApp = () => <App token={token} />;

ReactDOM.createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <DisplayRoot app={InlineApp} />
  </React.StrictMode>,
);
