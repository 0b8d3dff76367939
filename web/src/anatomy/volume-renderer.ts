import {
  BackSide,
  BoxGeometry,
  Data3DTexture,
  DataTexture,
  GLSL3,
  LinearFilter,
  Matrix4,
  Mesh,
  RedFormat,
  RGBAFormat,
  ShaderMaterial,
  UnsignedByteType,
  Vector3,
  type Object3D,
} from 'three';
import { PRESETS, transferTable, TRANSFER_TABLE_SIZE, type PresetName } from './transfer-functions';
import type { VolumeTexture } from './volume-format';

/**
 * Direct volume rendering by ray marching in a fragment shader: one box
 * (one draw call, 12 triangles) whose back faces start a ray from the eye
 * through the volume; samples are composited front to back through the
 * transfer function, and the ray stops once it is nearly opaque (early ray
 * termination). A clipping plane (in the volume's own coordinates) cuts it.
 * The box's unit cube maps to the volume; its scale is the physical size.
 */
export interface VolumeRenderer {
  mesh: Mesh<BoxGeometry, ShaderMaterial>;
  texture: VolumeTexture;
  preset: PresetName;
  /** Size in metres (from the voxel spacing). */
  sizeM: Vector3;
}

const vertexShader = /* glsl */ `
out vec3 vOrigin;
out vec3 vDirection;
void main() {
  // The eye in the box's unit-cube coordinates; cameraPosition is per eye in XR.
  vOrigin = (inverse(modelMatrix) * vec4(cameraPosition, 1.0)).xyz;
  vDirection = position - vOrigin;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

const fragmentShader = /* glsl */ `
precision highp float;
precision highp sampler3D;
in vec3 vOrigin;
in vec3 vDirection;
out vec4 outColor;
uniform sampler3D uVolume;
uniform sampler2D uTransfer;
uniform vec3 uVoxels;        // voxel counts per axis
uniform float uStepScale;    // step as a multiple of one voxel (adaptive)
uniform vec3 uClipPoint;     // clipping plane, unit-cube coordinates
uniform vec3 uClipNormal;    // the side it points to is cut away; zero: no plane
uniform float uOpaque;       // early ray termination threshold

vec2 hitBox(vec3 origin, vec3 direction) {
  vec3 inv = 1.0 / direction;
  vec3 t0 = (vec3(-0.5) - origin) * inv;
  vec3 t1 = (vec3(0.5) - origin) * inv;
  vec3 tmin = min(t0, t1);
  vec3 tmax = max(t0, t1);
  return vec2(max(max(tmin.x, tmin.y), tmin.z), min(min(tmax.x, tmax.y), tmax.z));
}

// Per-pixel jitter of the first sample hides the banding of a coarse step.
float jitter(vec2 pixel) {
  return fract(sin(dot(pixel, vec2(12.9898, 78.233))) * 43758.5453);
}

void main() {
  vec3 direction = normalize(vDirection);
  vec2 bounds = hitBox(vOrigin, direction);
  bounds.x = max(bounds.x, 0.0);
  if (bounds.x >= bounds.y) discard;
  // One voxel along the ray's dominant axis, times the adaptive scale.
  float step = uStepScale / max(max(uVoxels.x, uVoxels.y), uVoxels.z);
  vec4 sum = vec4(0.0);
  float t = bounds.x + step * jitter(gl_FragCoord.xy);
  for (int i = 0; i < 1024; i++) {
    if (t > bounds.y || sum.a >= uOpaque) break;
    vec3 p = vOrigin + t * direction;
    if (dot(uClipNormal, uClipNormal) == 0.0 || dot(p - uClipPoint, uClipNormal) <= 0.0) {
      float value = texture(uVolume, p + 0.5).r;
      vec4 colour = texture(uTransfer, vec2(value, 0.5));
      // Opacity correction for the step (the table is for one voxel per sample).
      float alpha = 1.0 - pow(1.0 - colour.a, uStepScale);
      sum.rgb += (1.0 - sum.a) * alpha * colour.rgb;
      sum.a += (1.0 - sum.a) * alpha;
    }
    t += step;
  }
  if (sum.a < 0.01) discard;
  outColor = vec4(sum.rgb / max(sum.a, 1e-4), sum.a);
}
`;

export function createVolumeRenderer(texture: VolumeTexture, preset: PresetName): VolumeRenderer {
  const [nx, ny, nz] = texture.dims;
  const volume = new Data3DTexture(texture.voxels, nx, ny, nz);
  volume.format = RedFormat;
  volume.type = UnsignedByteType;
  volume.minFilter = LinearFilter;
  volume.magFilter = LinearFilter;
  volume.unpackAlignment = 1;
  volume.needsUpdate = true;
  const transfer = new DataTexture(transferTable(PRESETS[preset], texture.valueMin, texture.valueMax), TRANSFER_TABLE_SIZE, 1, RGBAFormat);
  transfer.minFilter = LinearFilter;
  transfer.magFilter = LinearFilter;
  transfer.needsUpdate = true;
  const material = new ShaderMaterial({
    glslVersion: GLSL3,
    vertexShader,
    fragmentShader,
    side: BackSide,
    transparent: true,
    depthWrite: false,
    uniforms: {
      uVolume: { value: volume },
      uTransfer: { value: transfer },
      uVoxels: { value: new Vector3(nx, ny, nz) },
      uStepScale: { value: 1 },
      uClipPoint: { value: new Vector3() },
      uClipNormal: { value: new Vector3() },
      uOpaque: { value: 0.95 },
    },
  });
  const mesh = new Mesh(new BoxGeometry(1, 1, 1), material);
  mesh.name = 'volume';
  const sizeM = new Vector3(
    (nx * texture.spacingMm[0]) / 1000,
    (ny * texture.spacingMm[1]) / 1000,
    (nz * texture.spacingMm[2]) / 1000,
  );
  if (texture.unitCubeToModel === undefined) {
    mesh.scale.copy(sizeM);
  } else {
    // Placed in the patient's frame (may turn or mirror the axes): keep the matrix as given.
    mesh.matrixAutoUpdate = false;
    mesh.matrix.fromArray(texture.unitCubeToModel);
  }
  return { mesh, texture, preset, sizeM };
}

/** Moves the volume by `offset` (metres) in its parent: the shared centring of a volume and a model. */
export function shiftVolume(renderer: VolumeRenderer, offset: Vector3): void {
  if (renderer.mesh.matrixAutoUpdate) renderer.mesh.position.add(offset);
  else renderer.mesh.matrix.premultiply(shift.makeTranslation(offset.x, offset.y, offset.z));
  renderer.mesh.matrixWorldNeedsUpdate = true;
}

/** The volume's centre in its parent's frame. */
export function volumeCentre(renderer: VolumeRenderer, target: Vector3): Vector3 {
  if (renderer.mesh.matrixAutoUpdate) renderer.mesh.updateMatrix();
  return target.set(0, 0, 0).applyMatrix4(renderer.mesh.matrix);
}

const shift = new Matrix4();

export function setVolumePreset(renderer: VolumeRenderer, preset: PresetName): void {
  const transfer = renderer.mesh.material.uniforms['uTransfer']!.value as DataTexture;
  transfer.image.data = transferTable(PRESETS[preset], renderer.texture.valueMin, renderer.texture.valueMax);
  transfer.needsUpdate = true;
  renderer.preset = preset;
}

export function setVolumeStepScale(renderer: VolumeRenderer, scale: number): void {
  renderer.mesh.material.uniforms['uStepScale']!.value = scale;
}

const localPoint = new Vector3();
const localNormal = new Vector3();
const normalMatrix = new Matrix4();

/**
 * Puts the clipping plane through a world point with a world normal (the
 * side the normal points to is cut away), e.g. from the hand holding it.
 * Allocates nothing.
 */
export function setVolumeClipPlane(renderer: VolumeRenderer, point: Vector3, normal: Vector3): void {
  const mesh: Object3D = renderer.mesh;
  mesh.updateWorldMatrix(true, false);
  localPoint.copy(point);
  mesh.worldToLocal(localPoint);
  // A normal goes from world to local by the transpose of the world matrix (the inverse of the inverse's transpose).
  normalMatrix.copy(mesh.matrixWorld).transpose();
  localNormal.copy(normal).transformDirection(normalMatrix);
  (renderer.mesh.material.uniforms['uClipPoint']!.value as Vector3).copy(localPoint);
  (renderer.mesh.material.uniforms['uClipNormal']!.value as Vector3).copy(localNormal.normalize());
}

export function clearVolumeClipPlane(renderer: VolumeRenderer): void {
  (renderer.mesh.material.uniforms['uClipNormal']!.value as Vector3).set(0, 0, 0);
}

export function disposeVolumeRenderer(renderer: VolumeRenderer): void {
  const u = renderer.mesh.material.uniforms;
  (u['uVolume']!.value as Data3DTexture).dispose();
  (u['uTransfer']!.value as DataTexture).dispose();
  renderer.mesh.geometry.dispose();
  renderer.mesh.material.dispose();
  renderer.mesh.removeFromParent();
}
