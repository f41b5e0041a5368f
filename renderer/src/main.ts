import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import Missing from './Missing.svelte';
import { findBridge } from './lib/api.js';

const target = document.getElementById('app')!;
const client = findBridge();
export default client ? mount(App, { target, props: { client } }) : mount(Missing, { target });
