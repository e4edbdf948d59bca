import { registerRootComponent } from 'expo';
import { createElement } from 'react';
import { App } from './src/App';

registerRootComponent(() => createElement(App, { session: undefined }));
