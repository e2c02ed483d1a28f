import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { installHostBridge } from './host/install';

installHostBridge();
mount(App, { target: document.getElementById('app')! });
