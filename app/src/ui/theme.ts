export const colors = {
  background: '#f6f7f9',
  surface: '#ffffff',
  text: '#1b1f24',
  muted: '#5b6470',
  border: '#d7dbe0',
  primary: '#0b6e4f',
  primaryText: '#ffffff',
  danger: '#b42318',
  warning: '#fff4d6',
  warningText: '#6b4e00',
  bubble: '#e7f4ee',
  chip: '#eef0f3',
} as const;

export const spacing = { xs: 4, s: 8, m: 12, l: 16, xl: 24 } as const;
