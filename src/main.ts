import { mount } from 'svelte';
import { Workbox } from 'workbox-window';
import App from './ui/App.svelte';
import './ui/styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('candlecast: #app element missing');
mount(App, { target });

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void new Workbox('/sw.js').register();
}
