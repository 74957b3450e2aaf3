import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	account: 'getResourcePacks';
	element: 'create' | 'delete' | 'generateViews' | 'get' | 'getAll' | 'getTask';
	image: 'omniImage' | 'generate' | 'get';
	video: 'omni' | 'imageToVideo' | 'motionControl' | 'get';
	voice: 'create' | 'delete' | 'get' | 'getAll' | 'getTask';
};

export type KlingType = AllEntities<NodeMap>;
