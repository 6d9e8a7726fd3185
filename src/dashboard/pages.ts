// The dashboard's pages: the nav bar lists them, and the server serves each at /page/<name>
// as a shell that loads /assets/<name>.js (built from src/dashboard/pages/<name>.ts).

export interface PageInfo {
  name: string;
  title: string;
}

export const PAGES: PageInfo[] = [
  { name: 'runs', title: 'Runs' },
  { name: 'run', title: 'Run' },
  { name: 'compare', title: 'Compare' },
  { name: 'insight', title: 'Insight' },
  { name: 'mri', title: 'MRI' },
  { name: 'realtime', title: 'Real time' },
];
