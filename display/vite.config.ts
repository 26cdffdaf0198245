import { loketAppConfig } from '../shared-web/vite-app.ts';

export default loketAppConfig('display', '/display/');
