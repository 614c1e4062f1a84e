# Volumes (a batch of 2 scans, 4 channels, 3x5x5 voxels): BatchNorm3d normalises each channel
# over the batch and all voxels. Without affine parameters the layer holds nothing to learn.
torch::manual_seed 8
set scans [torch::tensor_mul [torch::rand {2 4 3 5 5}] 255.0]
set bn [torch::batch_norm3d -numFeatures 4 -affine false]
set out [torch::layer_forward $bn $scans]
puts "output shape: [torch::tensor_shape $out]"
puts "overall std: [format %.3f [torch::tensor_item [torch::tensor_std $out]]]"
puts "learnable parameters: [torch::count_parameters $bn]"
