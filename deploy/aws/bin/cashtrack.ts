import { cashtrackApp } from '../lib/app.ts';

// `cdk synth|deploy --context profile=small` runs this (deploy/aws/cdk.json); the CLI passes the
// context through the environment, which App reads itself.
cashtrackApp().app.synth();
