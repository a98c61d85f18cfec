// The checkout screen (/pos).
import { applyKioskMode, kioskMode } from '../lib/kiosk.js';
import './pos-app.js';

if (kioskMode(location.search, localStorage)) applyKioskMode(document);
