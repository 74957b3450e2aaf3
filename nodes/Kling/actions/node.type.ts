import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	account: 'getResourcePacks';
	element: 'create' | 'get' | 'getAll' | 'delete' | 'generateViews';
	video: 'omni' | 'imageToVideo' | 'motionControl' | 'get';
	voice: 'create' | 'get' | 'getAll' | 'delete';
};

export type KlingType = AllEntities<NodeMap>;
