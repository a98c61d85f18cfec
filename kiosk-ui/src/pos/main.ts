// The checkout screen (/pos).
import './pos-app.js';
